import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";

/** Options of {@link createKeepAliveAgent}. */
export interface KeepAliveAgentOptions {
  /** The scheme of the backend URL: an `https.Agent` for `"https:"` (the default), an `http.Agent` otherwise. */
  protocol?: "http:" | "https:";
  /** Initial delay of TCP keep-alive probes on a socket (default 1000 ms, Node's default). */
  keepAliveMsecs?: number;
  /** Most idle sockets kept open per host (default 256). */
  maxFreeSockets?: number;
  /**
   * Closes a pooled socket after this long idle (default 30 000 ms; shorter when the server announces a
   * shorter `Keep-Alive: timeout`). It does not end requests in flight: the client has its own timeouts.
   */
  freeSocketTimeoutMs?: number;
}

/**
 * A keep-alive `node:http` / `node:https` agent suited to long SSE streams: one request per socket at a
 * time, no limit on concurrent sockets, idle sockets kept for reuse (most recently used first) and closed
 * after `freeSocketTimeoutMs`. Pass it as the client's `agent` to share one pool between clients; the
 * client does not close an agent it did not create.
 *
 * @example
 * const agent = createKeepAliveAgent({ protocol: "https:" });
 * const client = createCodexClient({ baseUrl: "https://chatgpt.com/backend-api/codex", agent, ... });
 */
export function createKeepAliveAgent(options: KeepAliveAgentOptions = {}): HttpAgent {
  const agentOptions = {
    keepAlive: true,
    keepAliveMsecs: options.keepAliveMsecs ?? 1_000,
    maxSockets: Number.POSITIVE_INFINITY,
    maxFreeSockets: options.maxFreeSockets ?? 256,
    timeout: options.freeSocketTimeoutMs ?? 30_000,
    scheduling: "lifo" as const,
  };
  return options.protocol === "http:" ? new HttpAgent(agentOptions) : new HttpsAgent(agentOptions);
}
