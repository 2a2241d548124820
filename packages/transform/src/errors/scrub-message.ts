const SECRET_PATTERNS = [/Bearer\s+[\w.~+/=-]+/gi, /eyJ[\w-]+\.[\w-]+\.[\w-]*/g, /\b(sk|rt|at)-[\w-]{16,}/g];

// Markup of an HTML page (an error page quoted inside a JSON body): the client gets the words, never the
// tags, so no client renders or mistakes an upstream error for a page of this proxy.
const HTML_TAG =
  /<!doctype[^>]*>|<\/?(?:html|head|body|pre|script|style|title|meta|link|div|span|center|h[1-6]|p|a|br|hr|iframe)(?:\s[^<>]*)?\/?>/gi;

/**
 * Removes anything shaped like a token (bearer values, JWTs, `sk-`/`rt-`/`at-` keys) and HTML tags,
 * folds whitespace and caps the length, before upstream text reaches a client or a log.
 */
export function scrubMessage(text: string, max = 600): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, "[redacted]");
  out = out.replace(HTML_TAG, " ");
  out = out.replace(/\s+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
