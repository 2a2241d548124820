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
