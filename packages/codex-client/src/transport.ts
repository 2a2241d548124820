import { Agent, type Dispatcher, request } from "undici";
import { type ChunkSource, createNodeChunkSource, createWebChunkSource } from "./body-stream.js";

/** One HTTP request as the client hands it to a transport. */
export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal | undefined;
}

/** The response head and a body source; header names are lower-case. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  source: ChunkSource;
}

/** Sends one POST. Rejects only for connection-level failures (and aborts). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/**
 * A keep-alive undici `Agent` suited to long SSE streams: pipelining 1 (one request per socket at a time),
 * idle sockets kept for reuse.
 */
export function createKeepAliveAgent(options: { headersTimeoutMs?: number } = {}): Agent {
  return new Agent({
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: options.headersTimeoutMs ?? 300_000,
    bodyTimeout: 0,
  });
}

/** A transport over undici's `request` (faster than fetch) and the given dispatcher. */
export function createUndiciTransport(dispatcher: Dispatcher): Transport {
  return async ({ url, headers, body, signal }) => {
    const response = await request(url, { method: "POST", headers, body, signal, dispatcher });
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    return { status: response.statusCode, headers: flat, source: createNodeChunkSource(response.body) };
  };
}

/** A transport over a WHATWG `fetch` (an injected fake in tests, or any fetch-compatible client). */
export function createFetchTransport(fetchFn: typeof fetch): Transport {
  return async ({ url, headers, body, signal }) => {
    const response = await fetchFn(url, { method: "POST", headers, body, signal: signal ?? null });
    const flat: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      flat[name] = value;
    });
    return { status: response.status, headers: flat, source: createWebChunkSource(response.body) };
  };
}
