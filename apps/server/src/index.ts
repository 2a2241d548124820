/** @module @cmp/server */
export type {
  AppConfig,
  AppDeps,
  CatalogLike,
  InstructionsLike,
  TokenManagerLike,
} from "./app-deps.js";
export { DEFAULT_APP_CONFIG } from "./app-deps.js";
export {
  CLIENT_PROFILE_NAMES,
  type ClientProfileName,
  loadConfig,
  type ServerConfig,
} from "./config.js";
export { type CmpApp, createApp } from "./create-app.js";
export { type RunningServer, runServe, type StartServerOptions, startServer } from "./main.js";
export type { ManagementEvent } from "./state/management-bus.js";
export type { StatusQuota, StatusQuotaWindow } from "./state/quota-tracker.js";
export type { RecordUsage, RequestRecord } from "./state/request-record.js";
export { PRODUCT_NAME, SERVER_VERSION } from "./version.js";
