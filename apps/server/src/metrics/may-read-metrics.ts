import type { AppConfig } from "../app-deps.js";
import type { HttpContext } from "../http/http-context.js";
import { isAdminRequest } from "../ops/request-identity.js";

/**
 * The one place the rule of who may read `GET /metrics` lives: anyone with `CMP_METRICS_PUBLIC=1`;
 * otherwise whoever may use the management API (`isAdminRequest`): anyone on a server that requires no
 * key, a `CMP_API_KEYS` / `CMP_API_KEY` key, or a named key created with `--admin`. The request pipeline
 * has already refused a missing or wrong key (401) unless the metrics are public.
 */
export function mayReadMetrics(config: Pick<AppConfig, "metricsPublic">, http: HttpContext): boolean {
  return config.metricsPublic || isAdminRequest(http);
}
