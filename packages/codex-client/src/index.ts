/** @module @cmp/codex-client */
export type { AbortSignalLike } from "./abort-signal-like.js";
export { computeBackoffMs, sleep } from "./backoff.js";
export type { BodyReader } from "./body-stream.js";
export {
  type CodexAuth,
  type CodexAuthProvider,
  type CodexClient,
  type CodexClientOptions,
  type CodexResponse,
  type CreateResponseOptions,
  createCodexClient,
} from "./codex-client.js";
export { CodexClientError, type CodexClientErrorCode, CodexHttpError } from "./codex-client-error.js";
export { createKeepAliveAgent, type KeepAliveAgentOptions } from "./keep-alive-agent.js";
export {
  type HeadersLike,
  parseQuotaHeaders,
  type QuotaCredits,
  type QuotaSnapshot,
  type QuotaWindow,
} from "./quota-headers.js";
export { buildUserAgent, DEFAULT_ORIGINATOR } from "./user-agent.js";
