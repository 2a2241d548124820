import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";

/** Requests that came in on the Ollama port (`CMP_OLLAMA_PORT`). */
const ollamaPortRequests = new WeakSet<IncomingMessage>();

/**
 * The listener of the Ollama port: the same app (the same pipeline, host check, keys, limits and
 * routes), with each request marked as Ollama's, so that `GET /` answers as Ollama does there.
 */
export function createOllamaListener(
  app: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    ollamaPortRequests.add(req);
    app(req, res);
  };
}

/** True for a request that came in through {@link createOllamaListener}. */
export function isOllamaPortRequest(req: IncomingMessage): boolean {
  return ollamaPortRequests.has(req);
}

/**
 * `GET /` and `HEAD /` on the Ollama port: `Ollama is running`, as Ollama answers (its CLI and
 * clients check it before anything else). On the main port the server's own `GET /` answers.
 */
export const ollamaRootRoute: RequestHandler = (req, res, next) => {
  if (!isOllamaPortRequest(req)) {
    next();
    return;
  }
  res.status(200).type("text/plain; charset=utf-8").send("Ollama is running");
};
