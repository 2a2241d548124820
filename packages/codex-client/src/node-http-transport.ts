import {
  type Agent,
  type ClientRequest,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";
import { request as httpsRequest } from "node:https";
import { urlToHttpOptions } from "node:url";
import type { AbortSignalLike } from "./abort-signal-like.js";
import { createNodeChunkSource } from "./body-stream.js";
import { CodexClientError } from "./codex-client-error.js";
import { HeadersTimeoutError } from "./headers-timeout-error.js";
import type { Transport, TransportRequest, TransportResponse } from "./transport.js";

/** Options of {@link createNodeHttpTransport}. */
export interface NodeHttpTransportOptions {
  /** Destroy the request when no response head arrived after this long (default 300 000 ms). */
  headersTimeoutMs?: number;
}

interface Target {
  url: string;
  send: typeof httpRequest;
  protocol: string | null | undefined;
  hostname: string | null | undefined;
  port: number | string | null | undefined;
  path: string | null | undefined;
  auth: string | null | undefined;
}

/**
 * A transport over `node:http` / `node:https` (chosen by the URL's scheme) and the given keep-alive agent.
 * It resolves on the response head; the body is read in paused mode, so an unread body holds the socket
 * back (backpressure). Aborting the `signal` destroys the request and its socket at once, before or after
 * the head; the abort listener is removed when the request closes.
 */
export function createNodeHttpTransport(agent: Agent, options: NodeHttpTransportOptions = {}): Transport {
  const headersTimeoutMs = options.headersTimeoutMs ?? 300_000;
  let target: Target | undefined;
  return (request) =>
    new Promise<TransportResponse>((resolve, reject) => {
      if (target?.url !== request.url) target = parseTarget(request.url);
      send(target, agent, headersTimeoutMs, request, resolve, reject);
    });
}

function parseTarget(url: string): Target {
  const parsed = urlToHttpOptions(new URL(url));
  return {
    url,
    send: parsed.protocol === "https:" ? httpsRequest : httpRequest,
    protocol: parsed.protocol,
    hostname: parsed.hostname,
    port: parsed.port,
    path: parsed.path,
    auth: parsed.auth,
  };
}

function send(
  target: Target,
  agent: Agent,
  headersTimeoutMs: number,
  { headers, body, signal }: TransportRequest,
  resolve: (response: TransportResponse) => void,
  reject: (error: unknown) => void,
): void {
  if (signal?.aborted) {
    reject(abortError(signal));
    return;
  }
  const requestOptions: RequestOptions = {
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    path: target.path,
    method: "POST",
    headers,
    agent,
  };
  if (target.auth) requestOptions.auth = target.auth;
  // `end(body)` before the head is flushed makes Node send `content-length` (computed once), not chunked.
  const req: ClientRequest = target.send(requestOptions);
  let response: IncomingMessage | undefined;
  const timer = setTimeout(() => req.destroy(new HeadersTimeoutError(headersTimeoutMs)), headersTimeoutMs);
  const onAbort = () => {
    const error = abortError(signal);
    response?.destroy(error);
    req.destroy(error);
  };
  const cleanup = () => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  };
  // Stays attached after the head: Node also reports a socket failure mid-body on the request.
  req.on("error", (error) => {
    cleanup();
    reject(error);
  });
  // A request closes when its response ended (the socket goes back to the pool) or its socket closed.
  req.on("close", cleanup);
  req.on("response", (res) => {
    clearTimeout(timer);
    response = res;
    resolve({
      status: res.statusCode ?? 0,
      headers: flattenHeaders(res.headers),
      source: createNodeChunkSource(res),
    });
  });
  signal?.addEventListener("abort", onAbort);
  req.end(body);
}

function abortError(signal: AbortSignalLike | undefined): CodexClientError {
  return new CodexClientError("aborted", "The request was cancelled", { cause: signal?.reason });
}

/** Joins multi-valued headers (`set-cookie`) with ", ", in place: Node already lower-cases the names. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === "string") continue;
    if (Array.isArray(value)) headers[name] = value.join(", ");
    else delete headers[name];
  }
  return headers as Record<string, string>;
}
