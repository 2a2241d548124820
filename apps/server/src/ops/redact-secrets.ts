/** What replaces a secret in a logged body. */
export const REDACTED = "[redacted]";

/**
 * Secrets in free text: bearer tokens, OpenAI-style (`sk-…`) and this proxy's (`cmp-…`) keys, and JWTs
 * (three base64url parts, the first starting with `eyJ`, the base64 of `{"`).
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(?:sk|cmp)-[A-Za-z0-9_-]{16,}/g,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
];

/** Object fields whose value is a secret whatever it looks like. */
const SECRET_FIELD =
  /(?:^|[_-])(?:api[_-]?key|authorization|token|secret|password|access[_-]?token|refresh[_-]?token|id[_-]?token)$/i;

/** Replaces secrets in `text` by {@link REDACTED}. */
export function redactText(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/**
 * A copy of a JSON value with secrets replaced: every string through {@link redactText}, and the whole
 * value of fields named like a secret (`api_key`, `authorization`, `access_token`, `password`, …).
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  // Bodies are at most 256 deep (read-json-body); deeper is cut rather than walked.
  if (depth > 256) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    out[name] =
      SECRET_FIELD.test(name) && item !== null && item !== "" ? REDACTED : redactSecrets(item, depth + 1);
  }
  return out;
}
