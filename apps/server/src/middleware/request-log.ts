import type { Logger } from "pino";
import type { HttpContext } from "../http/http-context.js";
import type { CmpMetrics } from "../metrics/cmp-metrics.js";
import type { RequestRecord } from "../state/request-record.js";
import type { RequestTracker } from "../state/request-tracker.js";

/** What else happens when a request's record closes (`Operations`: key name, usage, history). */
export interface RecordHooks {
  /** Right before the record closes: fills in what the record still lacks (key name, error code). */
  annotate(http: HttpContext, record: RequestRecord): void;
  /** Right after: usage counters and the request history. */
  finished(http: HttpContext, record: RequestRecord): void;
}

/**
 * One JSON log line per request when it ends: method, path (never the query string: queries can carry
 * credentials clients put there by mistake), status, latency and, for API calls, the record (model,
 * effort, time to first token, token counts). Never bodies, prompts or headers. The request's record
 * is finished here too, so the dashboard sees every end, aborted ones included, and counted in the
 * `metrics`; `hooks` (optional) add the key's name and error code to it, then count its usage and keep
 * it in the request history.
 */
export function logRequest(
  http: HttpContext,
  logger: Logger,
  tracker: RequestTracker,
  now: () => number,
  metrics?: Pick<CmpMetrics, "started" | "requestFinished">,
  hooks?: RecordHooks,
): void {
  const { res } = http;
  metrics?.started(http);
  res.once("close", () => {
    const record = http.record;
    const aborted = !res.writableFinished;
    if (record !== undefined) {
      hooks?.annotate(http, record);
      tracker.finish(record, res.statusCode, aborted ? "client closed the connection" : http.errorCode);
      hooks?.finished(http, record);
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
          ...(record.key ? { key: record.key } : {}),
          ...(record.account ? { account: record.account } : {}),
          ...(record.errorCode ? { errorCode: record.errorCode } : {}),
        },
        "request",
      );
      // Last: the metrics read the finished record.
      metrics?.requestFinished(http, res.statusCode, aborted);
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
    metrics?.requestFinished(http, res.statusCode, aborted);
  });
}
