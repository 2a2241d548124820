import type { AbortSignalLike } from "./abort-signal-like.js";
import { type ChunkSource, createWebChunkSource } from "./body-stream.js";

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
    const response = await fetchFn(url, { method: "POST", headers, body, signal: toAbortSignal(signal) });
    const flat: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      flat[name] = value;
    });
    return { status: response.status, headers: flat, source: createWebChunkSource(response.body) };
  };
}

/** `fetch` needs a real `AbortSignal`; a lighter stand-in is bridged to one. */
function toAbortSignal(signal: AbortSignalLike | undefined): AbortSignal | null {
  if (signal === undefined) return null;
  if (signal instanceof AbortSignal) return signal;
  const controller = new AbortController();
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  return controller.signal;
}
