/**
 * @module @cmp/oauth
 *
 * The public API: the login flows, the token manager, the token stores and the one error type. The
 * building blocks behind them (grants, PKCE, the callback server, JWKS checks) are internal.
 */
export { ACCOUNT_NAME_PATTERN, checkAccountName, DEFAULT_ACCOUNT_NAME } from "./account-name.js";
export type { LoginFlowOptions, LoginResult } from "./complete-login.js";
export { FALLBACK_CALLBACK_PORT } from "./constants.js";
export { type DuplicateLoginGuardOptions, refuseDuplicateLogins } from "./duplicate-login-guard.js";
export { createLoginFromEnvTokens, type EnvLoginTokens, seedStoreIfEmpty } from "./env-login.js";
export { createFileTokenStore, type FileTokenStore, type FileTokenStoreOptions } from "./file-token-store.js";
export { type ImportCodexAuthOptions, importCodexAuth } from "./import-codex-auth.js";
export { createLoginDirectory, type LoginDirectory, type LoginDirectoryOptions } from "./login-directory.js";
export { type BrowserLoginOptions, loginWithBrowser } from "./login-with-browser.js";
export {
  type DeviceCodeLoginOptions,
  type DeviceCodePrompt,
  loginWithDeviceCode,
} from "./login-with-device-code.js";
export { loginWithPastedRedirect, type PastedRedirectLoginOptions } from "./login-with-pasted-redirect.js";
export { type LogoutOptions, type LogoutResult, logout } from "./logout.js";
export { createMemoryTokenStore } from "./memory-token-store.js";
export { OAuthError, type OAuthErrorCode } from "./oauth-errors.js";
export type { StoredLogin } from "./stored-login.js";
export { createTokenManager } from "./token-manager.js";
export type {
  LoginStatus,
  TokenManager,
  TokenManagerEvent,
  TokenManagerEventType,
  TokenManagerOptions,
} from "./token-manager-types.js";
export type { TokenStore } from "./token-store.js";
