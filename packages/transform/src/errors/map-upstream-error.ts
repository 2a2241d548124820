import { type ResponsesError, responsesErrorSchema } from "../responses/responses-api.js";
import { OpenAIHttpError } from "./openai-http-error.js";
import { formatUsageLimitMessage, type UsageLimitInfo } from "./usage-limit-message.js";

/** Response headers as either a `Headers` object or a plain record. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

/** Input of {@link mapUpstreamError}: a non-2xx backend answer. */
export interface UpstreamFailure {
  status: number;
  headers?: HeadersLike;
  bodyText: string;
  /** Clock in milliseconds, for reset times (defaults to `Date.now()`). */
  now?: number;
}

function header(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

const SECRET_PATTERNS = [/Bearer\s+[\w.~+/=-]+/gi, /eyJ[\w-]+\.[\w-]+\.[\w-]*/g, /\b(sk|rt|at)-[\w-]{16,}/g];

/** Removes anything shaped like a token, and caps the length, before text reaches a client. */
export function scrubMessage(text: string, max = 600): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, "[redacted]");
  out = out.replace(/\s+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

interface ParsedBody {
  error: ResponsesError;
  detail: string | null;
  isHtml: boolean;
}

function parseBody(bodyText: string, contentType: string | undefined): ParsedBody {
  const trimmed = bodyText.trimStart();
  const isHtml = /text\/html/i.test(contentType ?? "") || /^<(!doctype|html|head|body)/i.test(trimmed);
  if (isHtml) return { error: {}, detail: null, isHtml };
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { error: {}, detail: trimmed === "" ? null : trimmed, isHtml };
  }
  if (typeof json !== "object" || json === null) return { error: {}, detail: String(json), isHtml };
  const record = json as Record<string, unknown>;
  const inner = record["error"];
  const detail = record["detail"];
  if (typeof inner === "string") return { error: { message: inner }, detail: null, isHtml };
  const isObject = (value: unknown): value is object => typeof value === "object" && value !== null;
  const source =
    isObject(inner) && !Array.isArray(inner)
      ? inner
      : isObject(detail) && !Array.isArray(detail)
        ? detail
        : record;
  const parsed = responsesErrorSchema.safeParse(source);
  return { error: parsed.success ? parsed.data : {}, detail: describeDetail(detail), isHtml };
}

// FastAPI bodies: `{"detail": "text"}` or `{"detail": [{"loc": [...], "msg": "..."}]}`.
function describeDetail(detail: unknown): string | null {
  if (detail === undefined || detail === null) return null;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    const messages = detail.flatMap((entry: unknown) =>
      typeof entry === "object" && entry !== null && typeof (entry as { msg?: unknown }).msg === "string"
        ? [String((entry as { msg: string }).msg)]
        : [],
    );
    if (messages.length > 0) return messages.join("; ");
  }
  return JSON.stringify(detail);
}

function usageLimitInfo(
  error: ResponsesError,
  headers: HeadersLike | undefined,
  nowMs: number,
  notIncluded: boolean,
): UsageLimitInfo {
  let resetsAtMs: number | null = null;
  if (typeof error.resets_at === "number") resetsAtMs = error.resets_at * 1000;
  else if (typeof error.resets_in_seconds === "number") resetsAtMs = nowMs + error.resets_in_seconds * 1000;
  let windowMinutes: number | null = null;
  let bestPercent = -1;
  for (const family of ["primary", "secondary"]) {
    const percent = Number(header(headers, `x-codex-${family}-used-percent`));
    const minutes = Number(header(headers, `x-codex-${family}-window-minutes`));
    if (!Number.isFinite(percent) || !Number.isFinite(minutes) || minutes <= 0) continue;
    if (percent > bestPercent) {
      bestPercent = percent;
      windowMinutes = minutes;
      if (resetsAtMs === null) {
        const at = Number(header(headers, `x-codex-${family}-reset-at`));
        const after = Number(header(headers, `x-codex-${family}-reset-after-seconds`));
        if (Number.isFinite(at) && at > 0) resetsAtMs = at * 1000;
        else if (Number.isFinite(after) && after >= 0) resetsAtMs = nowMs + after * 1000;
      }
    }
  }
  const planType = error.plan_type ?? header(headers, "x-codex-plan-type") ?? null;
  return { planType, windowMinutes, resetsAtMs, notIncluded };
}

/** Builds the 429 `usage_limit_reached` error with `Retry-After` (seconds). */
export function createUsageLimitError(
  error: ResponsesError,
  headers: HeadersLike | undefined,
  nowMs: number,
): OpenAIHttpError {
  const code = String(error.code ?? error.type ?? "");
  const notIncluded = code === "usage_not_included" || /usage_not_included/.test(error.message ?? "");
  const info = usageLimitInfo(error, headers, nowMs, notIncluded);
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

const USAGE_LIMIT = /usage_limit_reached|usage_not_included|usage limit/i;
const MODEL_NOT_SUPPORTED =
  /model is not supported when using codex|not supported when using .*chatgpt account/i;
const CONTEXT_LENGTH =
  /context_length_exceeded|context_too_large|context window|context length|maximum context|too many tokens/i;
const CAPACITY = /at capacity|overloaded|server_is_overloaded|service_unavailable/i;

function requestIdSuffix(headers: HeadersLike | undefined): string {
  for (const name of ["x-request-id", "x-oai-request-id", "cf-ray"]) {
    const value = header(headers, name);
    if (value && /^[\w-]{1,100}$/.test(value)) return ` (upstream request id ${value})`;
  }
  return "";
}

/**
 * Turns any non-2xx backend answer into the OpenAI error and HTTP status a client can act on:
 * usage limits (a 429 that says so or carries a reset time, or the 404/400 variants) → 429
 * `usage_limit_reached` + `Retry-After`; any other 429 → 429 `rate_limit_exceeded` (retryable);
 * "model not supported with a ChatGPT account" → 404 `model_not_found`; context too long →
 * 400 `context_length_exceeded`; an HTML page → 502 `upstream_blocked`; 5xx → 502
 * `upstream_error` / 503 `upstream_unavailable`; 401 → 401 `upstream_unauthorized`; other 4xx
 * keep their status as `invalid_request_error` with the upstream message. Both body styles
 * (`{"detail"}` and `{"error"}`) are read; header values never reach the message except
 * request ids.
 */
export function mapUpstreamError(failure: UpstreamFailure): OpenAIHttpError {
  const { status, headers } = failure;
  const nowMs = failure.now ?? Date.now();
  const body = parseBody(failure.bodyText, header(headers, "content-type"));
  const suffix = requestIdSuffix(headers);
  if (body.isHtml || header(headers, "cf-mitigated")) {
    return new OpenAIHttpError({
      status: 502,
      type: "server_error",
      code: "upstream_blocked",
      message: `The ChatGPT backend answered HTTP ${status} with an HTML page instead of JSON, most likely a Cloudflare challenge. Requests from hosting providers, VPNs or some regions get blocked; run the proxy on your own machine and network, and try again later.${suffix}`,
    });
  }
  const upstreamMessage = scrubMessage(body.error.message ?? body.detail ?? "");
  const code = String(body.error.code ?? "");
  const type = String(body.error.type ?? "");
  const haystack = `${code} ${type} ${upstreamMessage}`;
  // A 429 is a quota hit only when it says so (or carries a reset time); any other 429 is a
  // transient rate limit that clients may retry.
  const hasReset =
    typeof body.error.resets_at === "number" || typeof body.error.resets_in_seconds === "number";
  const isUsageLimit =
    USAGE_LIMIT.test(haystack) ||
    (status === 429 && hasReset && !/rate_limit_exceeded/.test(haystack) && !CAPACITY.test(haystack));
  if (isUsageLimit && (status === 429 || status === 404 || status === 400 || status === 403)) {
    return createUsageLimitError({ ...body.error, code: code || type || undefined }, headers, nowMs);
  }
  if (status === 429 && !CAPACITY.test(haystack)) {
    return new OpenAIHttpError({
      status: 429,
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      message: `The ChatGPT backend is rate limiting requests: ${upstreamMessage || "try again shortly"}.${suffix}`,
      headers: retryAfterFrom(headers, upstreamMessage),
    });
  }
  if (MODEL_NOT_SUPPORTED.test(haystack)) {
    return new OpenAIHttpError({
      status: 404,
      type: "invalid_request_error",
      code: "model_not_found",
      param: "model",
      message: `${upstreamMessage}${suffix}`,
    });
  }
  if (CONTEXT_LENGTH.test(haystack)) {
    return new OpenAIHttpError({
      status: 400,
      type: "invalid_request_error",
      code: "context_length_exceeded",
      param: "messages",
      message: `The conversation is too long for the model's context window: ${upstreamMessage}${suffix}`,
    });
  }
  if (status === 401) {
    return new OpenAIHttpError({
      status: 401,
      type: "authentication_error",
      code: "upstream_unauthorized",
      message: `The ChatGPT backend rejected the login (HTTP 401)${upstreamMessage ? `: ${upstreamMessage}` : ""}. Log in again with \`cmp-server login\`.${suffix}`,
    });
  }
  if (status >= 500 || CAPACITY.test(haystack)) {
    const unavailable = status === 503 || CAPACITY.test(haystack);
    return new OpenAIHttpError({
      status: unavailable ? 503 : 502,
      type: "server_error",
      code: unavailable ? "upstream_unavailable" : "upstream_error",
      message: `The ChatGPT backend failed (HTTP ${status})${upstreamMessage ? `: ${upstreamMessage}` : ""}.${suffix}`,
      headers: unavailable ? { "retry-after": "1", ...retryAfterFrom(headers) } : {},
    });
  }
  if (status === 403 && /upgrade|your chatgpt plan|not eligible|entitle/i.test(haystack)) {
    return new OpenAIHttpError({
      status: 403,
      type: "permission_error",
      code: "plan_not_eligible",
      message: `The ChatGPT backend says this account's plan cannot use Codex right now: ${upstreamMessage || "no details"}. This has been known to clear up by itself; try again later.${suffix}`,
    });
  }
  const clientStatus = status >= 400 && status < 500 ? status : 502;
  return new OpenAIHttpError({
    status: clientStatus,
    type: status === 403 ? "permission_error" : "invalid_request_error",
    code: code || (status === 403 ? "upstream_forbidden" : status === 404 ? "not_found" : "invalid_request"),
    param: body.error.param ?? null,
    message: upstreamMessage
      ? `The ChatGPT backend rejected the request (HTTP ${status}): ${upstreamMessage}${suffix}`
      : `The ChatGPT backend rejected the request (HTTP ${status}).${suffix}`,
  });
}

function retryAfterFrom(headers: HeadersLike | undefined, message = ""): Record<string, string> {
  const value = header(headers, "retry-after");
  if (value && /^\d+$/.test(value)) return { "retry-after": value };
  // "Rate limit reached … Please try again in 1.5s" / "in 300ms" (what the official client parses).
  const hint = /try again in\s+([\d.]+)\s*(ms|s)\b/i.exec(message);
  if (!hint) return {};
  const seconds = Number(hint[1]) / (hint[2]?.toLowerCase() === "ms" ? 1000 : 1);
  return Number.isFinite(seconds) ? { "retry-after": String(Math.max(1, Math.ceil(seconds))) } : {};
}
