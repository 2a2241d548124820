import {
  findActiveQuotaLimit,
  MAX_QUOTA_RESET_MS,
  parseQuotaHeaders,
  type QuotaLimit,
  type QuotaSnapshot,
} from "@cmp/codex-client";
import type { HeadersLike } from "@cmp/core";
import type { ResponsesError } from "../responses/responses-api.js";
import { OpenAIHttpError } from "./openai-http-error.js";
import { formatUsageLimitMessage, type UsageLimitInfo } from "./usage-limit-message.js";

type QuotaWindow = NonNullable<QuotaSnapshot["primary"]>;

/**
 * A reset time is data from the network: one that is not a number, lies in the past or more than a
 * year ahead (`1e30` seconds) is unknown, not a date to print (`new Date(1e33).toISOString()` throws)
 * nor a `Retry-After` of a billion years.
 */
function plausibleReset(ms: number, nowMs: number): number | null {
  return Number.isFinite(ms) && ms > nowMs - 60_000 && ms - nowMs <= MAX_QUOTA_RESET_MS ? ms : null;
}

function usageLimitInfo(
  error: ResponsesError,
  quota: QuotaSnapshot | null,
  nowMs: number,
  notIncluded: boolean,
): UsageLimitInfo {
  let resetsAtMs: number | null = null;
  if (typeof error.resets_at === "number") resetsAtMs = plausibleReset(error.resets_at * 1000, nowMs);
  else if (typeof error.resets_in_seconds === "number")
    resetsAtMs = plausibleReset(nowMs + error.resets_in_seconds * 1000, nowMs);
  // The limit that was hit is the active one (`x-codex-active-limit`: a per-model limit has its own
  // family); its exhausted window is the one `x-codex-rate-limit-reached-type` names, else the fuller
  // one. Only a window of known length can be named.
  const limit = quota === null ? null : findActiveQuotaLimit(quota);
  const reached = quota?.rateLimitReachedType?.toLowerCase() ?? "";
  const windows = [limit?.primary, limit?.secondary];
  const named = reached.includes("secondary") ? windows[1] : reached.includes("primary") ? windows[0] : null;
  let exhausted: QuotaWindow | null = named?.windowMinutes ? named : null;
  for (const window of exhausted === null ? windows : []) {
    if (!window || window.windowMinutes === null || window.windowMinutes <= 0) continue;
    if (exhausted === null || window.usedPercent > exhausted.usedPercent) exhausted = window;
  }
  if (resetsAtMs === null && exhausted?.resetsAt)
    resetsAtMs = plausibleReset(exhausted.resetsAt.getTime(), nowMs);
  const windowMinutes = exhausted?.windowMinutes ?? null;
  const planType = error.plan_type ?? quota?.planType ?? null;
  return { planType, windowMinutes, resetsAtMs, notIncluded, limitName: describeLimit(limit) };
}

/** The name of a per-model limit (`GPT-5.3-Codex-Spark`, `bengalfox`); `null` for the account's `codex` limit. */
function describeLimit(limit: QuotaLimit | null): string | null {
  if (limit === null || limit.id === "codex") return null;
  return limit.name ?? limit.id.replace(/^codex_/, "").replaceAll("_", " ");
}

/**
 * Builds the 429 `usage_limit_reached` error: a message naming the plan, the limit that is active (a
 * per-model limit such as Spark's by its name), its window (`5-hour`, `weekly`, from the quota headers,
 * read by `@cmp/codex-client`'s `parseQuotaHeaders`) and the reset time, with `Retry-After` in seconds and `x-should-retry: false` when the reset is more than a
 * minute away or unknown. `usage_not_included` (the plan has no Codex) becomes `insufficient_quota`.
 */
export function createUsageLimitError(
  error: ResponsesError,
  headers: HeadersLike | undefined,
  nowMs: number,
): OpenAIHttpError {
  const code = String(error.code ?? error.type ?? "");
  const notIncluded = code === "usage_not_included" || /usage_not_included/.test(error.message ?? "");
  const quota = headers === undefined ? null : parseQuotaHeaders(headers, nowMs);
  const info = usageLimitInfo(error, quota, nowMs, notIncluded);
  const responseHeaders: Record<string, string> = {};
  if (info.resetsAtMs !== null) {
    const seconds = Math.max(1, Math.ceil((info.resetsAtMs - nowMs) / 1000));
    responseHeaders["retry-after"] = String(seconds);
    responseHeaders["x-ratelimit-reset-requests"] = `${seconds}s`;
    if (seconds > 60) responseHeaders["x-should-retry"] = "false";
  } else {
    responseHeaders["x-should-retry"] = "false";
  }
  return new OpenAIHttpError({
    status: 429,
    type: notIncluded ? "insufficient_quota" : "rate_limit_error",
    code: "usage_limit_reached",
    message: formatUsageLimitMessage(info, nowMs),
    headers: responseHeaders,
  });
}
