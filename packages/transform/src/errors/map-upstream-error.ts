import { getHeader, type HeadersLike } from "@cmp/core";
import { type ResponsesError, responsesErrorSchema } from "../responses/responses-api.js";
import { createUpstreamError } from "./classify-upstream-error.js";
import type { OpenAIHttpError } from "./openai-http-error.js";
import { scrubMessage } from "./scrub-message.js";

/** Input of {@link mapUpstreamError}: a non-2xx backend answer. */
export interface UpstreamFailure {
  status: number;
  headers?: HeadersLike;
  bodyText: string;
  /** Clock in milliseconds, for reset times (defaults to `Date.now()`). */
  now?: number;
}

interface ParsedBody {
  error: ResponsesError;
  detail: string | null;
  isHtml: boolean;
}

const isObject = (value: unknown): value is object =>
  typeof value === "object" && value !== null && !Array.isArray(value);

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
  const source = isObject(inner) ? inner : isObject(detail) ? detail : record;
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

// Request ids are the only header values a client may see: they are what support asks for.
function requestIdSuffix(headers: HeadersLike | undefined): string {
  for (const name of ["x-request-id", "x-oai-request-id", "cf-ray"]) {
    const value = getHeader(headers, name);
    if (value && /^[\w-]{1,100}$/.test(value)) return ` (upstream request id ${value})`;
  }
  return "";
}

/**
 * Turns any non-2xx backend answer into the OpenAI error and HTTP status a client can act on, with
 * the rules it shares with `mapStreamFailure`: usage limits (a 429 that says so or carries a reset
 * time, or the 404/400 variants) → 429 `usage_limit_reached` + `Retry-After`; any other 429 → 429
 * `rate_limit_exceeded` (retryable); "model not supported with a ChatGPT account" → 404
 * `model_not_found`; context too long → 400 `context_length_exceeded`; an HTML page → 502
 * `upstream_blocked`; 401 → 401 `upstream_unauthorized`; overload or 503 → 503
 * `upstream_unavailable`; other 5xx → 502 `upstream_error`; other 4xx keep their status as
 * `invalid_request_error` with the upstream message. Both body styles (`{"detail"}` and
 * `{"error"}`) are read; header values never reach the message except request ids.
 */
export function mapUpstreamError(failure: UpstreamFailure): OpenAIHttpError {
  const { status, headers } = failure;
  const body = parseBody(failure.bodyText, getHeader(headers, "content-type"));
  return createUpstreamError({
    status,
    error: body.error,
    message: body.isHtml ? "" : scrubMessage(body.error.message ?? body.detail ?? ""),
    blocked: body.isHtml || getHeader(headers, "cf-mitigated") !== undefined,
    headers,
    nowMs: failure.now ?? Date.now(),
    suffix: requestIdSuffix(headers),
  });
}
