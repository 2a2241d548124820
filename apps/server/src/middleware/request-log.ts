import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { RequestRecord } from "../state/request-record.js";
import type { RequestTracker } from "../state/request-tracker.js";

/** The path of a URL without its query string: queries can carry credentials clients put there by mistake. */
function pathWithoutQuery(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/**
 * One JSON log line per request when it ends: method, path, status, latency and, for API calls, the
 * record (model, effort, time to first token, token counts). Never bodies, prompts or headers.
 */
export function createRequestLog(logger: Logger, tracker: RequestTracker, now: () => number): RequestHandler {
  return (req, res, next) => {
    const started = now();
    res.once("close", () => {
      const record = res.locals["record"] as RequestRecord | undefined;
      const aborted = !res.writableFinished;
      if (record !== undefined) {
        tracker.finish(
          record,
          res.statusCode,
          aborted
            ? "client closed the connection"
            : ((res.locals["errorCode"] as string | undefined) ?? null),
        );
        logger.info(
          {
            id: record.id,
            method: req.method,
            path: pathWithoutQuery(req.originalUrl),
            status: res.statusCode,
            model: record.model,
            slug: record.slug,
            effort: record.effort,
            stream: record.stream,
            latencyMs: record.durationMs,
            ttftMs: record.ttftMs,
            usage: record.usage,
            error: record.error,
          },
          "request",
        );
        return;
      }
      const level = res.statusCode >= 500 ? "warn" : req.path === "/health" ? "debug" : "info";
      logger[level](
        {
          method: req.method,
          path: pathWithoutQuery(req.originalUrl),
          status: res.statusCode,
          latencyMs: now() - started,
          ...(aborted ? { error: "client closed the connection" } : {}),
        },
        "request",
      );
    });
    next();
  };
}
