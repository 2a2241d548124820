import type { OpenAIHttpError } from "@cmp/transform";

/**
 * How one front door writes an error: the server decides every error once, as transform's
 * `OpenAIHttpError` (status, type, code, message, headers), and the dialect of the API the client
 * speaks only gives it that API's own shape (OpenAI's `{"error":{…}}`, Anthropic's
 * `{"type":"error","error":{…}}`, Ollama's `{"error":"…"}`). `sendError` is still the one writer.
 */
export interface ErrorDialect {
  /** The HTTP status of an error answered before the head went out (Anthropic answers overload with 529). */
  status(error: OpenAIHttpError): number;
  /** The JSON body of that answer. */
  body(error: OpenAIHttpError): unknown;
  /**
   * What ends an answer whose head already went out (a stream that started): the API's last error
   * event, or `undefined` to end it as it is. `sse` tells whether the answer is Server-Sent Events.
   */
  streamEnd(error: OpenAIHttpError, sse: boolean): string | undefined;
}

/** OpenAI's error shape: the default of every route (`/v1/chat/completions`, `/v1/responses`, …). */
export const OPENAI_ERROR_DIALECT: ErrorDialect = {
  // 499 is the proxy's own "client closed the request" code, never a status a client should see.
  status: (error) => (error.status === 499 ? 400 : error.status),
  body: (error) => error.toBody(),
  streamEnd: (error, sse) =>
    sse ? `data: ${JSON.stringify(error.toBody())}\n\ndata: [DONE]\n\n` : undefined,
};

/** Chooses the error dialect of a request by its canonical path; `undefined` means OpenAI's. */
export type ErrorDialectResolver = (path: string) => ErrorDialect | undefined;
