/** @module @cmp/core */
export type { AccountAuth } from "./account-auth.js";
export { type BackoffOptions, computeBackoffMs } from "./backoff.js";
export { CmpError, type CmpErrorOptions } from "./cmp-error.js";
export { ConfigError } from "./config-error.js";
export { getHeader, type HeadersLike } from "./headers-like.js";
export type { KeyValueCache } from "./key-value-cache.js";
export { DEFAULT_ORIGINATOR } from "./originator.js";
export { sendJson, sendText } from "./send-text.js";
export { type WriteFileAtomicallyOptions, writeFileAtomically } from "./write-file-atomically.js";
