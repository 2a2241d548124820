import type { AppConfig } from "../app-deps.js";
import type { HttpContext } from "../http/http-context.js";
import { createApiKeyCheck } from "../middleware/api-key-auth.js";

type KeyCheck = ReturnType<typeof createApiKeyCheck>;
const checks = new WeakMap<AppConfig, KeyCheck | null>();

/** The keys the management API accepts (the request pipeline's list): `null` when none are configured. */
function managementKeyCheck(config: AppConfig): KeyCheck | null {
  let check = checks.get(config);
  if (check === undefined) {
    const keys = [
      ...config.apiKeys,
      ...(config.apiKeys.length > 0 && config.dashboardApiKey ? [config.dashboardApiKey] : []),
    ];
    check = keys.length > 0 ? createApiKeyCheck(keys) : null;
    checks.set(config, check);
  }
  return check;
}

/**
 * The one place the rule of who may read `GET /metrics` lives: anyone with `CMP_METRICS_PUBLIC=1`;
 * otherwise whoever may use the management API, that is anyone when no API key is configured, else a
 * request presenting one of the configured keys (`CMP_API_KEYS`, `CMP_API_KEY`). The request pipeline
 * has already refused a missing or wrong key (401) unless the metrics are public; the check is made
 * here again so that the rule stays in one place when who may manage narrows (admin keys only).
 */
export function mayReadMetrics(config: AppConfig, http: HttpContext): boolean {
  if (config.metricsPublic) return true;
  const check = managementKeyCheck(config);
  if (check === null) return true;
  return check(http.header("authorization"), http.req.headers["x-api-key"]);
}
