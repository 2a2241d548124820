/** @module @cmp/store */
export { DEFAULT_LOCK_TTL_MS, DEFAULT_LOCK_WAIT_MS } from "./acquire-lock.js";
export {
  createMemoryStore,
  createStore,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_STORE_PREFIX,
} from "./create-store.js";
export { LockLostError } from "./lock-lost-error.js";
export { LockTimeoutError } from "./lock-timeout-error.js";
export { parseStoreSecret, STORE_SECRET_HINT } from "./parse-store-secret.js";
export { createSecretBox, type SecretBox } from "./secret-box.js";
export { SecretBoxError } from "./secret-box-error.js";
export { StoreNameError } from "./store-name-error.js";
export type {
  CompareAndSetOptions,
  CounterOptions,
  CreateStoreOptions,
  HeldLock,
  LockOptions,
  MessageHandler,
  NamespaceOptions,
  ReadListOptions,
  Store,
} from "./store-types.js";
export { StoreUnavailableError } from "./store-unavailable-error.js";
