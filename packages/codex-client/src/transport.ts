import type { AbortSignalLike } from "./abort-signal-like.js";
import { type ChunkSource, createWebChunkSource } from "./body-stream.js";
import { bridgeAbortSignal } from "./bridge-abort-signal.js";

/** One HTTP request as the client hands it to a transport. */
export interface TransportRequest {
  url: string;
  /** Lower-case names; a transport may read but not keep or change the object. */
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignalLike | undefined;
}

/** The response head and a body source; header names are lower-case. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  source: ChunkSource;
}

/** Sends one POST. Rejects only for connection-level failures (and aborts). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A transport over a WHATWG `fetch` (an injected fake in tests, or any fetch-compatible client). */
export function createFetchTransport(fetchFn: typeof fetch): Transport {
  return async ({ url, headers, body, signal }) => {
    const bridge = bridgeAbortSignal(signal);
    let response: Response;
    try {
      response = await fetchFn(url, { method: "POST", headers, body, signal: bridge.signal ?? null });
    } catch (error) {
      bridge.release();
      throw error;
    }
    const flat: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      flat[name] = value;
    });
    return {
      status: response.status,
      headers: flat,
      source: releasingSource(createWebChunkSource(response.body), bridge.release),
    };
  };
}

/** Calls `release` once the body ended, failed or was destroyed. */
function releasingSource(source: ChunkSource, release: () => void): ChunkSource {
  return {
    async next() {
      try {
        const chunk = await source.next();
        if (chunk === null) release();
        return chunk;
      } catch (error) {
        release();
        throw error;
      }
    },
    destroy(error) {
      release();
      source.destroy(error);
    },
  };
}
