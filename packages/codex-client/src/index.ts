/** @module @cmp/codex-client */
export type { AbortSignalLike } from "./abort-signal-like.js";
export type { BodyReader } from "./body-stream.js";
export {
  type CodexAuthProvider,
  type CodexClient,
  type CodexClientOptions,
  type CodexResponse,
  type CreateResponseOptions,
  createCodexClient,
} from "./codex-client.js";
export { CodexClientError, type CodexClientErrorCode } from "./codex-client-error.js";
export { CodexHttpError } from "./codex-http-error.js";
export { type CodexCompaction, MAX_COMPACTION_BYTES } from "./compact-response.js";
export { createKeepAliveAgent, type KeepAliveAgentOptions } from "./keep-alive-agent.js";
export {
  findActiveQuotaLimit,
  type InvalidQuotaHeaderHandler,
  MAX_QUOTA_RESET_MS,
  parseQuotaHeaders,
  type QuotaCredits,
  type QuotaLimit,
  type QuotaSnapshot,
  type QuotaWindow,
} from "./quota-headers.js";
export { TURN_STATE_HEADER } from "./request-headers.js";
export { buildUserAgent } from "./user-agent.js";
