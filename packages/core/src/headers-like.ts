/** Response or request headers as either a WHATWG `Headers` object or a plain (Node-style) record. */
export type HeadersLike = Headers | Readonly<Record<string, string | string[] | undefined>>;

/** The first value of header `name` (case-insensitive) in `headers`, or `undefined`. */
export function getHeader(headers: HeadersLike | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | string[] | undefined>>;
  const lower = name.toLowerCase();
  let value = record[lower];
  if (value === undefined) {
    for (const key in record) {
      if (key.toLowerCase() === lower) {
        value = record[key];
        break;
      }
    }
  }
  return Array.isArray(value) ? value[0] : value;
}
