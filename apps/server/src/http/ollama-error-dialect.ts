import { encodeOllamaLine, toOllamaErrorBody } from "@cmp/transform";
import type { ErrorDialect } from "./error-dialect.js";

/**
 * Ollama's error shape, for every path under `/api/`: `{"error":"<message>"}` with the status the
 * server decided, and, in an NDJSON stream that already started, that object as the last line (as
 * Ollama ends a stream that fails).
 * @see https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx
 */
export const OLLAMA_ERROR_DIALECT: ErrorDialect = {
  // 499 is the proxy's own "client closed the request" code, never a status a client should see.
  status: (error) => (error.status === 499 ? 400 : error.status),
  body: (error) => toOllamaErrorBody(error),
  streamEnd: (error) => encodeOllamaLine(toOllamaErrorBody(error)),
};
