import { type AbortSignalLike, type BodyReader, CodexHttpError, type CodexResponse } from "@cmp/codex-client";
import type { AccountAuth } from "@cmp/core";
import { createResponsesEventParser, type ResponsesEvent } from "@cmp/transform";
import type { AppContext } from "../app-context.js";

/** The `x-codex-*` headers of an upstream response, to pass on to the client. */
export function forwardedHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    if (name.startsWith("x-codex-")) out[name] = headers[name] as string;
  }
  return out;
}

/**
 * One upstream `POST /responses` with the bookkeeping every route needs: the quota headers recorded
 * (also from error answers) and `x-models-etag` handed to the catalog.
 */
export async function callUpstream(
  ctx: AppContext,
  body: unknown,
  options: { sessionId: string; signal: AbortSignalLike; auth: AccountAuth },
): Promise<CodexResponse> {
  try {
    const response = await ctx.deps.codexClient.createResponse(body, options);
    ctx.quota.record(response.quota);
    const etag = response.headers["x-models-etag"];
    if (etag !== undefined) void ctx.deps.catalog.noteModelsEtag?.(etag, options.auth);
    return response;
  } catch (error) {
    if (CodexHttpError.isInstance(error)) ctx.quota.record(error.quota);
    throw error;
  }
}

/** Result of {@link pumpEvents}. */
export interface PumpResult {
  /** The read failed (connection cut, idle timeout, abort). */
  readError: unknown;
  /** The reader was cancelled because `shouldStop` said so. */
  stopped: boolean;
}

/**
 * Reads an upstream SSE body, parsing each event once and handing it to `onEvent`. After each read,
 * `afterRead` may flush output (and return a promise for backpressure). `shouldStop()` ends the pump
 * early: `"cancel"` closes the upstream request (stop sequence, client gone), `"drain"` reads the rest
 * in the background so the keep-alive connection is reused (the answer is complete). When `onEvent` or
 * `afterRead` throws, the body is cancelled before the error propagates.
 */
export async function pumpEvents(
  body: BodyReader,
  onEvent: (event: ResponsesEvent) => void,
  afterRead: () => Promise<void> | undefined,
  shouldStop: () => false | "cancel" | "drain",
): Promise<PumpResult> {
  const parser = createResponsesEventParser(onEvent);
  for (;;) {
    let chunk: Uint8Array | null;
    try {
      chunk = await body.read();
    } catch (readError) {
      return { readError, stopped: false };
    }
    if (chunk === null) {
      parser.end();
      const pending = afterRead();
      if (pending) await pending;
      return { readError: undefined, stopped: false };
    }
    try {
      parser.feed(chunk);
      const pending = afterRead();
      if (pending) await pending;
    } catch (error) {
      // The rest of the body will not be read: close the connection rather than leave it busy.
      body.cancel();
      throw error;
    }
    const stop = shouldStop();
    if (stop === "cancel") {
      body.cancel();
      return { readError: undefined, stopped: true };
    }
    if (stop === "drain") {
      void drainReader(body);
      return { readError: undefined, stopped: true };
    }
  }
}

async function drainReader(body: BodyReader): Promise<void> {
  try {
    while ((await body.read()) !== null) {
      // The answer is complete; only the end of the upstream body is left.
    }
  } catch {
    // Nothing to report: the client already has its answer.
  }
}
