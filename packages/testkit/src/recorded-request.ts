import type { IncomingMessage } from "node:http";

/** One HTTP request as a fake server received it. */
export interface RecordedRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path without the query string, e.g. `/oauth/token`. */
  path: string;
  /** Query parameters (last value wins for repeated keys). */
  query: Record<string, string>;
  /** Header names in lower case; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  /** The raw body text (empty for bodies-less requests). */
  rawBody: string;
  /** JSON or form body parsed to an object; `null` when empty or unparseable. */
  body: unknown;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
}

/** Reads the whole body of a request as UTF-8 text. */
export async function readRequestText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON or `application/x-www-form-urlencoded` body; `null` if it is neither. */
export function parseRequestBody(contentType: string | undefined, text: string): unknown {
  if (text.length === 0) return null;
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Reads and records a request. */
export async function recordRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const rawBody = await readRequestText(req);
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    rawBody,
    body: parseRequestBody(headers["content-type"], rawBody),
    receivedAt: Date.now(),
  };
}
