import fc from "fast-check";

/** Numbers a hostile backend can put in JSON: huge, tiny, negative, fractional, around the Date range. */
export const hostileNumberArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 1e30, 1e20, -1e20, 1e300, -1e300, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.constantFrom(8.64e12, 8.64e15, 8.64e15 + 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e-300),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Header values: numbers as text (also non-finite spellings), dates, garbage, control-free Latin-1. */
export const hostileHeaderValueArb: fc.Arbitrary<string> = fc.oneof(
  hostileNumberArb.map(String),
  fc.constantFrom("NaN", "Infinity", "-Infinity", "1e309", "", " ", "true", "false", "0x10", "1_000"),
  fc.constantFrom("99999999999999999", "-99999999999999999", "2026-11-27T18:00:00Z", "not a date"),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.integer({ min: 1, max: 5000 }).map((n) => "9".repeat(n)),
);

/** Strings a hostile backend can put in an error body: any Unicode, long, or shaped like a code. */
export const hostileStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.constantFrom(
    "usage_limit_reached",
    "usage_not_included",
    "rate_limit_exceeded",
    "insufficient_quota",
    "context_length_exceeded",
    "server_is_overloaded",
    "invalid_request_error",
    "Rate limit reached. Please try again in 1e400s.",
    "try again in 99999999999999999999ms",
    "<html><body>x</body></html>",
  ),
  fc.integer({ min: 1, max: 200_000 }).map((n) => "x".repeat(n)),
);

const QUOTA_HEADER_NAMES = [
  "x-codex-primary-used-percent",
  "x-codex-primary-window-minutes",
  "x-codex-primary-reset-at",
  "x-codex-primary-reset-after-seconds",
  "x-codex-secondary-used-percent",
  "x-codex-secondary-window-minutes",
  "x-codex-secondary-reset-at",
  "x-codex-secondary-reset-after-seconds",
  "x-codex-credits-has-credits",
  "x-codex-credits-unlimited",
  "x-codex-credits-balance",
  "x-codex-plan-type",
] as const;

/** A set of `x-codex-*` headers (and `retry-after`) with hostile values; any subset of the names. */
export const hostileQuotaHeadersArb: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom(...QUOTA_HEADER_NAMES, "retry-after"),
  hostileHeaderValueArb,
);

/** One backend error object: every field optional, every value hostile (or of the wrong type). */
export const hostileErrorObjectArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    type: hostileStringArb,
    code: fc.oneof(hostileStringArb, hostileNumberArb, fc.constant(null)),
    message: hostileStringArb,
    param: fc.oneof(hostileStringArb, fc.constant(null)),
    plan_type: hostileStringArb,
    resets_at: fc.oneof(hostileNumberArb, hostileStringArb),
    resets_in_seconds: fc.oneof(hostileNumberArb, hostileStringArb),
  },
  { requiredKeys: [] },
);

/** A backend error answer: status, body (OpenAI style, FastAPI style, or text) and headers. */
export interface HostileErrorAnswer {
  status: number;
  bodyText: string;
  headers: Record<string, string>;
}

export const hostileErrorAnswerArb: fc.Arbitrary<HostileErrorAnswer> = fc.record({
  status: fc.oneof(
    fc.constantFrom(400, 401, 403, 404, 429, 500, 502, 503, 504),
    fc.integer({ min: 300, max: 599 }),
  ),
  bodyText: fc.oneof(
    hostileErrorObjectArb.map((error) => JSON.stringify({ error })),
    hostileErrorObjectArb.map((detail) => JSON.stringify({ detail })),
    hostileErrorObjectArb.map((error) => JSON.stringify(error)),
    hostileStringArb,
  ),
  headers: hostileQuotaHeadersArb,
});
