import type { Logger } from "pino";
import type { HttpContext } from "../http/http-context.js";
import type { CmpMetrics } from "../metrics/cmp-metrics.js";
import type { RequestTracker } from "../state/request-tracker.js";

/**
 * One JSON log line per request when it ends: method, path (never the query string: queries can carry
 * credentials clients put there by mistake), status, latency and, for API calls, the record (model,
 * effort, time to first token, token counts). Never bodies, prompts or headers. The request's record
 * is finished here too, so the dashboard sees every end, aborted ones included, and counted in the
 * `metrics`.
 */
export function logRequest(
  http: HttpContext,
  logger: Logger,
  tracker: RequestTracker,
  now: () => number,
  metrics?: Pick<CmpMetrics, "track">,
): void {
  const { res } = http;
  res.once("close", () => {
    const record = http.record;
    const aborted = !res.writableFinished;
    if (record !== undefined) {
      tracker.finish(record, res.statusCode, aborted ? "client closed the connection" : http.errorCode);
      logger.info(
        {
          id: record.id,
          method: http.method,
          path: http.originalPath,
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
    const level = res.statusCode >= 500 ? "warn" : http.path === "/health" ? "debug" : "info";
    logger[level](
      {
        method: http.method,
        path: http.originalPath,
        status: res.statusCode,
        latencyMs: now() - http.startedAt,
        ...(aborted ? { error: "client closed the connection" } : {}),
      },
      "request",
    );
  });
  // After the listener above, so the metrics read the finished record.
  metrics?.track(http);
}
