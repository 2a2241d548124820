import { DEFAULT_FAKE_ACCOUNT, type FakeAccount } from "./token-claims.js";

/** The Codex CLI's OAuth client id, which the fake auth server expects by default. */
export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

/**
 * How `POST /oauth/token` behaves:
 * - `ok`: normal grants.
 * - `fail500` / `fail503`: JSON server error for every grant.
 * - `timeout`: the request is held open until the client gives up, the server closes, or `configure`
 *   switches the mode away from `timeout` (held requests are then reset, as when a hung issuer restarts
 *   without having processed them: the refresh token is not used up).
 * - `slow`: grants are processed at once (a refresh token is used up on receipt, as upstream does), but
 *   the answer is sent only after `tokenEndpointDelayMs`.
 * - `html`: a Cloudflare-style HTML 403 page.
 * - `refresh_token_expired` / `refresh_token_invalidated`: refresh grants get the upstream 401 with that code
 *   (authorization_code grants still work).
 */
export type TokenEndpointMode =
  | "ok"
  | "fail500"
  | "fail503"
  | "timeout"
  | "slow"
  | "html"
  | "refresh_token_expired"
  | "refresh_token_invalidated";

/** Switches of the fake auth server; change them at any time with `configure()`. */
export interface FakeAuthConfig {
  /** Lifetime of new access tokens (JWT `exp` and `expires_in`). Default 3600. */
  accessTokenTtlSeconds: number;
  /** When `access_denied`, `/oauth/authorize` redirects back with `error=access_denied`. Default `null`. */
  authorizeError: "access_denied" | null;
  /** `disabled` makes the usercode endpoint answer 404 as upstream does when device login is off. */
  deviceAuth: "enabled" | "disabled";
  /** Approve a pending device code automatically on this poll (1 = first poll). Default `null` (never). */
  deviceAutoApproveAfterPolls: number | null;
  /** `interval` returned by the usercode endpoint (a string upstream). Default 5. */
  deviceIntervalSeconds: number;
  /** Fault mode of the token endpoint. Default `ok`. */
  tokenEndpoint: TokenEndpointMode;
  /** How many token requests the fault applies to before reverting to `ok`; `null` = until changed. */
  tokenEndpointFaultTimes: number | null;
  /** How long the `slow` mode holds each answer, in ms. Default 5000. */
  tokenEndpointDelayMs: number;
  /** The account new logins belong to. */
  account: FakeAccount;
}

/** Partial update for `configure()`; `account` fields merge into the current account. */
export type FakeAuthConfigUpdate = Partial<Omit<FakeAuthConfig, "account">> & {
  account?: Partial<FakeAccount>;
};

/** The defaults of a fresh fake auth server. */
export function defaultAuthConfig(): FakeAuthConfig {
  return {
    accessTokenTtlSeconds: 3600,
    authorizeError: null,
    deviceAuth: "enabled",
    deviceAutoApproveAfterPolls: null,
    deviceIntervalSeconds: 5,
    tokenEndpoint: "ok",
    tokenEndpointFaultTimes: null,
    tokenEndpointDelayMs: 5000,
    account: { ...DEFAULT_FAKE_ACCOUNT },
  };
}

/** Applies an update to a config in place. */
export function applyAuthConfig(config: FakeAuthConfig, update: FakeAuthConfigUpdate): void {
  const { account, ...rest } = update;
  Object.assign(config, rest);
  if (account) config.account = { ...config.account, ...account };
}
