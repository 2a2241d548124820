/** @module @cmp/oauth */
export { type AuthorizeUrlOptions, buildAuthorizeUrl, buildLoopbackRedirectUri } from "./authorize-url.js";
export { type CallbackServer, type CallbackServerOptions, startCallbackServer } from "./callback-server.js";
export { completeLogin, type LoginFlowOptions, type LoginResult } from "./complete-login.js";
export {
  CODEX_CLIENT_ID,
  DEFAULT_CALLBACK_PORT,
  DEFAULT_ISSUER,
  DEFAULT_ORIGINATOR,
  DEFAULT_SCOPE,
  FALLBACK_CALLBACK_PORT,
  getIssuerEndpoints,
  type IssuerEndpoints,
} from "./constants.js";
export { createLoginFromEnvTokens, type EnvLoginTokens, seedStoreIfEmpty } from "./env-login.js";
export {
  createFileTokenStore,
  type FileTokenStore,
  type FileTokenStoreOptions,
  readCodexAuthFile,
  removeStaleTempFiles,
  writeFileAtomic,
} from "./file-token-store.js";
export type { FetchLike } from "./http-request.js";
export {
  createIdTokenVerifier,
  type IdTokenVerifier,
  type IdTokenVerifierOptions,
  type VerifyIdTokenOptions,
  verifyIdTokenSignature,
} from "./id-token-verification.js";
export { CODEX_IMPORT_WARNING, type ImportCodexAuthOptions, importCodexAuth } from "./import-codex-auth.js";
export { type BrowserLoginOptions, loginWithBrowser } from "./login-with-browser.js";
export {
  type DeviceCodeLoginOptions,
  type DeviceCodePrompt,
  loginWithDeviceCode,
} from "./login-with-device-code.js";
export { loginWithPastedRedirect, type PastedRedirectLoginOptions } from "./login-with-pasted-redirect.js";
export { type LogoutOptions, type LogoutResult, logout } from "./logout.js";
export { createMemoryTokenStore } from "./memory-token-store.js";
export { OAuthError, type OAuthErrorCode, type OAuthErrorOptions } from "./oauth-errors.js";
export { type AuthorizationInput, parseAuthorizationInput } from "./parse-authorization-input.js";
export {
  computeCodeChallenge,
  createPkcePair,
  generateCodeVerifier,
  generateState,
  type PkcePair,
  timingSafeEqualStrings,
} from "./pkce.js";
export {
  type CodexAuthFile,
  codexAuthFileSchema,
  convertCodexAuthFileToLogin,
  convertLoginToCodexAuthFile,
  type StoredLogin,
} from "./stored-login.js";
export { decodeLoginClaims, type LoginClaims } from "./token-claims.js";
export {
  buildAuthorizationCodeRequest,
  type ExchangeCodeOptions,
  exchangeAuthorizationCode,
  type IssuedTokens,
  processAuthorizationCodeResponse,
} from "./token-exchange.js";
export { createTokenManager } from "./token-manager.js";
export type {
  AuthCredentials,
  LoginStatus,
  TokenManager,
  TokenManagerEvent,
  TokenManagerEventType,
  TokenManagerOptions,
} from "./token-manager-types.js";
export {
  buildRefreshRequest,
  processRefreshResponse,
  type RefreshResult,
  type RefreshTokensOptions,
  refreshTokens,
} from "./token-refresh.js";
export {
  parseTokenEndpointError,
  type TokenEndpointError,
  tokenResponseSchema,
} from "./token-response-schema.js";
export { type RevokeTokenOptions, revokeToken } from "./token-revoke.js";
export type { TokenStore } from "./token-store.js";
