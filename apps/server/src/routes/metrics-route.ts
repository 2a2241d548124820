import { OpenAIHttpError } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";
import { mayReadMetrics } from "../metrics/may-read-metrics.js";

/**
 * `GET /metrics` (also `/v1/metrics`): every metric in the Prometheus text format. Protected like the
 * management API unless `CMP_METRICS_PUBLIC=1` ({@link mayReadMetrics}); never cached.
 */
export async function handleMetrics(app: AppContext, http: HttpContext): Promise<void> {
  if (!mayReadMetrics(app.config, http)) {
    throw new OpenAIHttpError({
      status: 403,
      type: "permission_error",
      code: "metrics_forbidden",
      message:
        "This API key may not read /metrics: use a key that may use the management API, or set CMP_METRICS_PUBLIC=1.",
    });
  }
  const body = await app.metrics.render();
  http.res.writeHead(200, {
    "content-type": app.metrics.contentType,
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  http.res.end(http.method === "HEAD" ? undefined : body);
}
