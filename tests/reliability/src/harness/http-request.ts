import { type Agent, type IncomingHttpHeaders, request } from "node:http";

/** A request sent with {@link sendRequest}; bytes go out exactly as given. */
export interface RawRequest {
  /** `http://HOST:PORT` of the server. */
  baseUrl: string;
  method?: string;
  path: string;
  /** Sent as given, `host` included (fetch cannot set it). */
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
  /** Give up (and report `timedOut`) after this long. Default 30 s. */
  timeoutMs?: number;
  /** Destroy the request after this many bytes of response body (a client abort). */
  abortAfterBytes?: number;
  agent?: Agent;
}

/** What came back, or how the exchange failed. */
export interface RawResponse {
  /** 0 when no response arrived. */
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  timedOut: boolean;
  /** True when the client aborted on purpose (`abortAfterBytes`). */
  aborted: boolean;
  /** A socket error (`ECONNRESET`, …) before the response ended, if any. */
  error: string | null;
}

function hasHeader(headers: RawRequest["headers"], name: string): boolean {
  return Object.keys(headers ?? {}).some((h) => h.toLowerCase() === name);
}

/** Sends one HTTP/1.1 request over loopback with full control of headers and body bytes. */
export function sendRequest(options: RawRequest): Promise<RawResponse> {
  const url = new URL(options.baseUrl);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let settled = false;
    let timedOut = false;
    let aborted = false;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      resolve({ status, headers, body: all, text: all.toString("utf8"), timedOut, aborted, error });
    };
    const req = request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: Number(url.port),
        method: options.method ?? "POST",
        path: options.path,
        headers: {
          ...(body === undefined || hasHeader(options.headers, "transfer-encoding")
            ? {}
            : { "content-length": String(body.length) }),
          ...options.headers,
        },
        agent: options.agent ?? false,
        setHost: !hasHeader(options.headers, "host"),
      },
      (res) => {
        status = res.statusCode ?? 0;
        headers = res.headers;
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          if (options.abortAfterBytes !== undefined && received >= options.abortAfterBytes && !aborted) {
            aborted = true;
            req.destroy();
            finish(null);
          }
        });
        res.on("end", () => finish(null));
        res.on("error", (error) => finish(error.message));
        res.on("close", () => finish(res.complete ? null : "response closed before its end"));
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
      finish("timed out");
    }, options.timeoutMs ?? 30_000);
    req.on("error", (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    req.end(body);
  });
}

/** The `data:` payloads of an SSE body, in order. */
export function readSseData(text: string): string[] {
  const data: string[] = [];
  for (const frame of text.split(/\r?\n\r?\n/)) {
    const lines = frame.split(/\r?\n/).filter((line) => line.startsWith("data:"));
    if (lines.length > 0) data.push(lines.map((line) => line.slice(5).replace(/^ /, "")).join("\n"));
  }
  return data;
}
