import { getHeader, type HeadersLike } from "@cmp/core";
import type { ResponsesError } from "../responses/responses-api.js";
import { createUsageLimitError } from "./create-usage-limit-error.js";
import { OpenAIHttpError } from "./openai-http-error.js";
import { scrubMessage } from "./scrub-message.js";

/** What is known about one upstream failure: a non-2xx answer or a stream failure event. */
export interface UpstreamErrorFacts {
  /** The HTTP status; `null` for a `response.failed` / `error` event inside a 200 stream. */
  status: number | null;
  /** The backend error object: code, type, param, reset times, plan. */
  error: ResponsesError;
  /** The upstream message, already scrubbed of anything token-shaped. */
  message: string;
  /** The answer was an HTML page (a Cloudflare challenge), which never reaches the client. */
  blocked: boolean;
  headers: HeadersLike | undefined;
  nowMs: number;
  /** Appended to the message: the upstream request id, when there is one. */
  suffix: string;
}

/** The facts plus what every rule reads, computed once per failure. */
interface Signals extends UpstreamErrorFacts {
  /** The upstream code as a string, `""` when there is none. */
  code: string;
  /** `code type`, lower-case: the machine-readable part. */
  key: string;
  /** `code type message`: what the message patterns search. */
  haystack: string;
  capacity: boolean;
}

interface Rule {
  /** The class of failure, for reading the table. */
  kind: string;
  matches(s: Signals): boolean;
  create(s: Signals): OpenAIHttpError;
}

/** Upstream codes, params and plan names are short words; longer ones are cut before they are echoed. */
const MAX_WORD_LENGTH = 200;
const WORD = /^[\w.:-]{1,200}$/;

const USAGE_LIMIT = /usage_limit|usage_not_included|insufficient_quota|usage limit/i;
// A usage limit arrives as 429, or as 400/403/404 from older backend versions; never as 401 or 5xx.
const USAGE_LIMIT_STATUSES: ReadonlySet<number> = new Set([400, 403, 404, 429]);
const RATE_LIMIT_CODE = /rate_limit/;
const RATE_LIMIT_MESSAGE = /rate limit reached/i;
const MODEL_NOT_SUPPORTED =
  /model is not supported when using codex|not supported when using .*chatgpt account/i;
const CONTEXT_LENGTH =
  /context_length|context_too_large|context window|context length|maximum context|too many tokens/i;
const CAPACITY = /at capacity|overloaded|server_is_overloaded|service_unavailable|slow_down/i;
// The login itself is gone: refreshing cannot help, only a new login (of an active workspace) can.
const TOKEN_REVOKED = /token_revoked/;
const DEACTIVATED_WORKSPACE = /deactivated_workspace/;
// Bad requests the backend will refuse again, whatever the status they came with.
const INVALID_PROMPT = /invalid_prompt/;
const CYBER_POLICY = /cyber_policy/;
const PLAN_NOT_ELIGIBLE = /upgrade|your chatgpt plan|not eligible|entitle/i;
const INVALID_REQUEST = /invalid_request|invalid_encrypted_content/;
const TRY_AGAIN_IN = /try again in\s+([\d.]+)\s*(ms|s)\b/i;

const isClientStatus = (status: number | null): status is number =>
  status !== null && status >= 400 && status < 500;
const LOGIN_AGAIN = "Log in again with `cmp-server login` (or `pnpm tui`)";
const httpStatus = (s: Signals): string => (s.status === null ? "" : ` (HTTP ${s.status})`);
const withMessage = (s: Signals, none: string): string => (s.message ? `: ${s.message}` : none);

/**
 * The longest `Retry-After` passed on for a rate limit or an overload (a day): the value comes from the
 * network, and a client told to wait `99999999999` seconds would never come back.
 */
const MAX_RETRY_AFTER_SECONDS = 86_400;

/** Whole seconds in `[1, MAX_RETRY_AFTER_SECONDS]` (too big is the cap), or `null` for a non-number. */
function clampRetryAfter(seconds: number): string | null {
  if (Number.isNaN(seconds) || seconds < 0) return null;
  return String(Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds))));
}

/** `Retry-After` from the upstream header, else from OpenAI's "try again in 1.5s" / "in 300ms" hint. */
function retryAfterFrom(s: Signals): Record<string, string> {
  const value = getHeader(s.headers, "retry-after")?.trim();
  const fromHeader = value && /^\d{1,20}$/.test(value) ? clampRetryAfter(Number(value)) : null;
  if (fromHeader !== null) return { "retry-after": fromHeader };
  const hint = TRY_AGAIN_IN.exec(s.message);
  if (!hint) return {};
  const seconds = clampRetryAfter(Number(hint[1]) / (hint[2]?.toLowerCase() === "ms" ? 1000 : 1));
  return seconds === null ? {} : { "retry-after": seconds };
}

/**
 * The one table of upstream failures, checked in order; the first match answers, else
 * {@link FALLBACK}. A quota hit is told from a rate limit first (both may be a 429), then the
 * specific causes, and the bare status decides only when nothing more specific matched.
 */
const RULES: readonly Rule[] = [
  {
    kind: "blocked",
    matches: (s) => s.blocked,
    create: (s) =>
      new OpenAIHttpError({
        status: 502,
        type: "server_error",
        code: "upstream_blocked",
        message: `The ChatGPT backend answered${httpStatus(s)} with an HTML page instead of JSON, most likely a Cloudflare challenge. Requests from hosting providers, VPNs or some regions get blocked; run the proxy on your own machine and network, and try again later.${s.suffix}`,
      }),
  },
  {
    kind: "token_revoked",
    matches: (s) => TOKEN_REVOKED.test(s.key),
    create: (s) =>
      new OpenAIHttpError({
        status: 401,
        type: "authentication_error",
        code: "token_revoked",
        retryable: false,
        message: `The ChatGPT backend says this login was revoked (signed out everywhere, a password change, or an admin)${withMessage(s, "")}. ${LOGIN_AGAIN}.${s.suffix}`,
      }),
  },
  {
    kind: "deactivated_workspace",
    matches: (s) => DEACTIVATED_WORKSPACE.test(s.key),
    create: (s) =>
      new OpenAIHttpError({
        status: 401,
        type: "authentication_error",
        code: "deactivated_workspace",
        retryable: false,
        message: `The ChatGPT workspace of this login has been deactivated (for a Team workspace this disables every seat at once)${withMessage(s, "")}. ${LOGIN_AGAIN}, choosing an active workspace or your personal account.${s.suffix}`,
      }),
  },
  {
    kind: "invalid_prompt",
    matches: (s) => INVALID_PROMPT.test(s.key),
    create: (s) =>
      new OpenAIHttpError({
        status: 400,
        type: "invalid_request_error",
        code: "invalid_prompt",
        param: s.error.param ?? null,
        retryable: false,
        message: `The ChatGPT backend rejected the prompt${httpStatus(s)}${withMessage(s, ".")}${s.suffix}`,
      }),
  },
  {
    // The backend's own words are the whole answer: they say what was flagged and where to appeal.
    kind: "cyber_policy",
    matches: (s) => CYBER_POLICY.test(s.key),
    create: (s) =>
      new OpenAIHttpError({
        status: 400,
        type: "invalid_request_error",
        code: "cyber_policy",
        retryable: false,
        message: `${s.message || "The ChatGPT backend refused this request under its cyber-security policy."}${s.suffix}`,
      }),
  },
  {
    // A quota hit says so, or is a 429 that carries a reset time; any other 429 is a transient rate
    // limit that clients may retry.
    kind: "usage_limit",
    matches: (s) =>
      (s.status === null || USAGE_LIMIT_STATUSES.has(s.status)) &&
      (USAGE_LIMIT.test(s.haystack) ||
        (s.status === 429 &&
          (typeof s.error.resets_at === "number" || typeof s.error.resets_in_seconds === "number") &&
          !RATE_LIMIT_CODE.test(s.key) &&
          !s.capacity)),
    create: (s) => createUsageLimitError({ ...s.error, code: s.code || s.error.type }, s.headers, s.nowMs),
  },
  {
    kind: "rate_limit",
    matches: (s) =>
      !s.capacity && (RATE_LIMIT_CODE.test(s.key) || RATE_LIMIT_MESSAGE.test(s.message) || s.status === 429),
    create: (s) =>
      new OpenAIHttpError({
        status: 429,
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        message: `The ChatGPT backend is rate limiting requests${withMessage(s, "; try again shortly")}.${s.suffix}`,
        headers: retryAfterFrom(s),
      }),
  },
  {
    kind: "model_not_supported",
    matches: (s) => MODEL_NOT_SUPPORTED.test(s.haystack),
    create: (s) =>
      new OpenAIHttpError({
        status: 404,
        type: "invalid_request_error",
        code: "model_not_found",
        param: "model",
        message: `${s.message}${s.suffix}`,
      }),
  },
  {
    kind: "context_length",
    matches: (s) => CONTEXT_LENGTH.test(s.haystack),
    create: (s) =>
      new OpenAIHttpError({
        status: 400,
        type: "invalid_request_error",
        code: "context_length_exceeded",
        param: "messages",
        message: `The conversation is too long for the model's context window${withMessage(s, ".")}${s.suffix}`,
      }),
  },
  {
    kind: "unauthorized",
    matches: (s) => s.status === 401,
    create: (s) =>
      new OpenAIHttpError({
        status: 401,
        type: "authentication_error",
        code: "upstream_unauthorized",
        message: `The ChatGPT backend rejected the login (HTTP 401)${withMessage(s, "")}. Log in again with \`cmp-server login\`.${s.suffix}`,
      }),
  },
  {
    kind: "overloaded",
    matches: (s) => s.capacity || s.status === 503,
    create: (s) =>
      new OpenAIHttpError({
        status: 503,
        type: "server_error",
        code: "upstream_unavailable",
        message: `The ChatGPT backend is unavailable or overloaded${httpStatus(s)}${withMessage(s, "; try again shortly")}.${s.suffix}`,
        headers: { "retry-after": "1", ...retryAfterFrom(s) },
      }),
  },
  {
    kind: "plan_not_eligible",
    matches: (s) => s.status === 403 && PLAN_NOT_ELIGIBLE.test(s.haystack),
    create: (s) =>
      new OpenAIHttpError({
        status: 403,
        type: "permission_error",
        code: "plan_not_eligible",
        message: `The ChatGPT backend says this account's plan cannot use Codex right now: ${s.message || "no details"}. This has been known to clear up by itself; try again later.${s.suffix}`,
      }),
  },
  {
    // An HTTP 4xx keeps its status; a stream event says so by its code.
    kind: "invalid_request",
    matches: (s) => isClientStatus(s.status) || (s.status === null && INVALID_REQUEST.test(s.key)),
    create: (s) => {
      const status = isClientStatus(s.status) ? s.status : 400;
      return new OpenAIHttpError({
        status,
        type: status === 403 ? "permission_error" : "invalid_request_error",
        code:
          s.code ||
          (status === 403 ? "upstream_forbidden" : status === 404 ? "not_found" : "invalid_request"),
        param: s.error.param ?? null,
        message: `The ChatGPT backend rejected the request${httpStatus(s)}${withMessage(s, ".")}${s.suffix}`,
      });
    },
  },
];

/** 5xx, a stream failure no rule recognises, or an HTTP status that is not an error at all. */
const FALLBACK: Rule = {
  kind: "upstream_error",
  matches: () => true,
  create: (s) =>
    new OpenAIHttpError({
      status: 502,
      type: "server_error",
      code: s.code || "upstream_error",
      message: `The ChatGPT backend failed${httpStatus(s)}${s.message ? `: ${s.message}.` : " without a message."}${s.suffix}`,
    }),
};

/**
 * Classifies an upstream failure with the one table of rules shared by `mapUpstreamError` (HTTP
 * answers) and `mapStreamFailure` (stream events), and builds the OpenAI error a client can act on.
 */
export function createUpstreamError(facts: UpstreamErrorFacts): OpenAIHttpError {
  const { code: rawCode, type } = facts.error;
  // The upstream code and param are echoed: a code is kept only when it is a word (`usage_limit_reached`),
  // a param is scrubbed like a message, and both are cut, so a megabyte (or a page) of either stays out.
  const rawText = rawCode === null || rawCode === undefined ? "" : String(rawCode);
  const code = WORD.test(rawText) ? rawText : "";
  const { param } = facts.error;
  const error =
    typeof param === "string" ? { ...facts.error, param: scrubMessage(param, MAX_WORD_LENGTH) } : facts.error;
  const key = `${code} ${type ?? ""}`.toLowerCase();
  const haystack = `${key} ${facts.message}`;
  const signals: Signals = { ...facts, error, code, key, haystack, capacity: CAPACITY.test(haystack) };
  return (RULES.find((rule) => rule.matches(signals)) ?? FALLBACK).create(signals);
}
