const SECRET_PATTERNS = [/Bearer\s+[\w.~+/=-]+/gi, /eyJ[\w-]+\.[\w-]+\.[\w-]*/g, /\b(sk|rt|at)-[\w-]{16,}/g];

/**
 * Removes anything shaped like a token (bearer values, JWTs, `sk-`/`rt-`/`at-` keys), folds
 * whitespace and caps the length, before upstream text reaches a client or a log.
 */
export function scrubMessage(text: string, max = 600): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, "[redacted]");
  out = out.replace(/\s+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
