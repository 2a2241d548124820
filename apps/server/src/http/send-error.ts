import { sendJson } from "@cmp/core";
import type { AppContext } from "../app-context.js";
import { toHttpError } from "../errors/map-error.js";
import { OPENAI_ERROR_DIALECT } from "./error-dialect.js";
import type { HttpContext } from "./http-context.js";

/**
 * The one place an error becomes an HTTP answer: the JSON error body of the API the client speaks
 * (`http.errorDialect`, OpenAI's by default) with its status and headers (`Retry-After`, …), or, when a
 * stream already started, that API's final error event (OpenAI: `data: {error}` and `[DONE]`). Every
 * failure of the pipeline, the routes and the Express routes behind it comes here. It never throws:
 * a failure while answering still ends the request.
 */
export function sendError(app: AppContext, http: HttpContext, error: unknown): void {
  const { res } = http;
  try {
    const apiError = toHttpError(error, app.now(), app.config.clientVersion);
    if (apiError.status >= 500 && apiError.code === "internal_error") {
      app.logger.error({ err: error, path: http.originalPath, method: http.method }, "unhandled error");
    }
    http.errorCode = apiError.code;
    const dialect = http.errorDialect ?? OPENAI_ERROR_DIALECT;
    if (res.headersSent) {
      // A stream already started (keep-alives went out): the error becomes the stream's last event.
      if (!res.writableEnded && !res.destroyed) {
        const sse = http.sse || String(res.getHeader("content-type") ?? "").startsWith("text/event-stream");
        res.end(dialect.streamEnd(apiError, sse));
      }
      return;
    }
    sendJson(res, dialect.status(apiError), dialect.body(apiError), apiError.headers);
  } catch (failure) {
    sendFallback(app, http, failure);
  }
}

const FALLBACK_BODY =
  '{"error":{"message":"Internal server error.","type":"server_error","code":"internal_error","param":null}}';

/**
 * The answer when writing the error itself failed (a header value Node refused, a body that did not
 * serialise): a fixed JSON 500, with only the headers set before (CORS) that are still valid. When even
 * that cannot be written, or the head is already out, the connection is closed: the request never hangs.
 */
function sendFallback(app: AppContext, http: HttpContext, failure: unknown): void {
  const { res } = http;
  http.errorCode = "internal_error";
  try {
    app.logger.error({ err: failure, path: http.originalPath }, "could not send an error answer");
  } catch {
    // The log is best effort here; ending the request is not.
  }
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = 500;
    res.writeHead(500, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(FALLBACK_BODY.length),
    });
    res.end(FALLBACK_BODY);
  } catch {
    res.destroy();
  }
}
