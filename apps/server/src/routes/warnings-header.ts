/** The longest `x-cmp-warnings` value sent (4 KiB): clients refuse heads over 16 KiB in all. */
export const MAX_WARNINGS_HEADER_LENGTH = 4096;
/** One warning is cut to this many characters; they quote client input (unknown keys, model names). */
const MAX_WARNING_LENGTH = 300;

// Everything but printable ASCII is escaped: Node refuses a header value with a control character
// (NUL, DEL, CR, LF) or a character above U+00FF, and Latin-1 reads differently per client anyway.
const UNSAFE = /[^\x20-\x5b\x5d-\x7e]/g;
const escapeChar = (char: string): string =>
  char === "\\" ? "\\\\" : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** One warning as printable ASCII: `\` and every other character escaped (`é` → `\u00e9`), then cut. */
function encodeWarning(warning: string): string {
  const cut = warning.length > MAX_WARNING_LENGTH ? `${warning.slice(0, MAX_WARNING_LENGTH)}...` : warning;
  return cut.replace(UNSAFE, escapeChar);
}

/**
 * The `x-cmp-warnings` header value for what the proxy changed in a request, always a valid header:
 * each warning encoded as printable ASCII, repeats folded into one (`(×3)` as `(x3)`), joined with
 * `; `, and cut at {@link MAX_WARNINGS_HEADER_LENGTH} with `...and N more`. Returns whether it had to
 * leave something out (the caller logs the full list then).
 */
export function encodeWarningsHeader(warnings: readonly string[]): { value: string; complete: boolean } {
  const counts = new Map<string, number>();
  for (const warning of warnings) counts.set(warning, (counts.get(warning) ?? 0) + 1);
  let value = "";
  let shown = 0;
  let complete = true;
  for (const [warning, count] of counts) {
    const encoded = encodeWarning(warning);
    if (encoded.length !== warning.length) complete = false;
    const part = count > 1 ? `${encoded} (x${count})` : encoded;
    const next = value === "" ? part : `${value}; ${part}`;
    // Room for the summary of what is left out.
    if (next.length > MAX_WARNINGS_HEADER_LENGTH - 32) {
      complete = false;
      break;
    }
    value = next;
    shown++;
  }
  const rest = counts.size - shown;
  if (rest > 0) value += `${value === "" ? "" : "; "}...and ${rest} more`;
  return { value, complete };
}
