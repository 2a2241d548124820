import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import type { OllamaErrorBody } from "./ollama-api.js";

/**
 * One NDJSON line: the object's JSON and `\n`. `JSON.stringify` escapes every line break inside
 * strings, so a line never splits, whatever the model wrote.
 */
export function encodeOllamaLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** The error in Ollama's shape: `{ "error": "<message>" }` (the status goes on the HTTP answer). */
export function toOllamaErrorBody(error: OpenAIHttpError): OllamaErrorBody {
  return { error: error.message };
}

/** What an empty piece of an Ollama answer needs: which API, the model name as the client sent it, a clock. */
export interface OllamaKeepAliveOptions {
  api: "chat" | "generate";
  model: string;
  /** Clock in milliseconds (default `Date.now`), for `created_at`. */
  now?: () => number;
}

/**
 * A line that adds nothing (empty text, `done: false`): what an Ollama stream sends to stay alive
 * while the model thinks. Ollama clients parse every line as JSON (the Go and Python clients fail on
 * anything else, an SSE comment or an empty line included), and read this one as an empty piece.
 */
export function encodeOllamaKeepAlive(options: OllamaKeepAliveOptions): string {
  const created_at = new Date((options.now ?? Date.now)()).toISOString();
  return encodeOllamaLine(
    options.api === "generate"
      ? { model: options.model, created_at, response: "", done: false }
      : { model: options.model, created_at, message: { role: "assistant", content: "" }, done: false },
  );
}
