import type { AccountAuth } from "@cmp/core";
import type { FetchLike } from "./http-request.js";
import type { OAuthErrorCode } from "./oauth-errors.js";
import type { TokenStore } from "./token-store.js";

/** Who is logged in and until when; never secrets. */
export interface LoginStatus {
  email: string | null;
  plan: string | null;
  accountId: string;
  /** Expiry of the current access token (the manager refreshes before it). */
  expiresAt: Date;
  lastRefresh: Date | null;
  /** True once the refresh token was refused for good; only a new login helps. */
  reauthRequired: boolean;
}

/** Events for the dashboard; they carry no secrets. */
export type TokenManagerEvent =
  | { type: "refreshed"; at: Date; accountId: string; expiresAt: Date }
  | {
      type: "refresh_failed";
      at: Date;
      code: "reauth_required" | "refresh_failed";
      message: string;
      retryable: boolean;
    }
  | { type: "logged_out"; at: Date }
  | {
      /**
       * The stored login cannot be read (`store_corrupt`, `store_read_failed`). Sent once when it starts,
       * not for every request that fails because of it; `message` may name the file (it is for the log).
       */
      type: "store_unreadable";
      at: Date;
      code: OAuthErrorCode;
      message: string;
    };

/** The event names of {@link TokenManagerEvent}. */
export type TokenManagerEventType = TokenManagerEvent["type"];

/** Options of `createTokenManager`. */
export interface TokenManagerOptions {
  store: TokenStore;
  /** Default `https://auth.openai.com`. */
  issuer?: string;
  clientId?: string;
  fetch?: FetchLike;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /**
   * Refresh this long before the access token's `exp`; default 5 minutes. Never more than half the
   * token's lifetime (`exp - iat`): a lead longer than the lifetime would refresh on every request.
   */
  refreshLeadMs?: number;
  /**
   * Refreshes ahead of expiry start at most this often (default 30 s). An expired token and a backend
   * 401 still refresh at once: hammering the token endpoint can get an account flagged.
   */
  minRefreshIntervalMs?: number;
  /** Locked across processes while refreshing; default the store's `lockPath`; `null` = no file lock. */
  lockPath?: string | null;
  /**
   * How long a caller waits for a refresh; default 15 s. Then it gets a retryable `refresh_failed`, but
   * the refresh goes on: once sent, its answer is awaited (up to `refreshAnswerTimeoutMs`) and saved,
   * because the issuer rotates the refresh token when it receives the request.
   */
  refreshTimeoutMs?: number;
  /** How long a sent refresh's answer is awaited; default 2 minutes. */
  refreshAnswerTimeoutMs?: number;
  /** How often, at most, to look for changes made by other processes; default 1000 ms. */
  storeCheckIntervalMs?: number;
  /**
   * Backoff after a transient refresh failure (`computeBackoffMs` of `@cmp/core`): the first wait's
   * ceiling (default 1 s), doubled per failure up to `maxMs` (default 30 s), with jitter.
   */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Sent as `originator` on refresh calls; default `chatgpt_max_proxy`. */
  originator?: string;
  /**
   * Check the signature of each refreshed id_token against the issuer's JWKS (cached). An unreachable
   * JWKS never fails a refresh; a bad signature ends in `reauth_required`. Default `true`.
   */
  verifyIdToken?: boolean;
  /** Ends the `not_logged_in` / `reauth_required` messages; default "run `cmp-server login`". */
  loginHint?: string;
}

/** Hands out valid tokens to every request, refreshing them once at a time. */
export interface TokenManager {
  /**
   * A valid access token and account id. Cheap when the token is fresh (in-memory, a store change
   * check at most once a second). Refreshes ahead of expiry. Throws `OAuthError` `not_logged_in`,
   * `reauth_required`, or a retryable `refresh_failed` when the token expired and the refresh failed.
   *
   * The account id is always a string here (a login's claims name the account), which is why the type
   * narrows `AccountAuth`'s `string | null`: consumers that still require a string accept it too.
   */
  getAuth(): Promise<AccountAuth & { accountId: string }>;
  /**
   * After the backend answered 401 to `staleAccessToken`: returns the newer token if another caller
   * already replaced it, otherwise refreshes once (joined by concurrent callers).
   */
  refreshAfterUnauthorized(staleAccessToken: string): Promise<AccountAuth & { accountId: string }>;
  /** The current login's status, or `null` when not logged in. Never refreshes. */
  getStatus(): Promise<LoginStatus | null>;
  /**
   * Why the stored login could not be read at the last look (`store_corrupt: …`), in a few words without
   * the file's path or content; `null` when it could. Cheap: no I/O.
   */
  getLoginError(): string | null;
  /**
   * Resolves once no refresh is in flight (and a refreshed login the store could not save was tried
   * once more). Call it before the process exits: a sent refresh has already used up the old token.
   */
  drain(): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<T extends TokenManagerEventType>(
    type: T,
    listener: (event: Extract<TokenManagerEvent, { type: T }>) => void,
  ): () => void;
}
