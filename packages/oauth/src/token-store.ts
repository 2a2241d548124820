import type { ReleaseLock } from "./refresh-lock.js";
import type { StoredLogin } from "./stored-login.js";

/**
 * Where a login lives. `createFileTokenStore` and `createMemoryTokenStore` implement it; a shared store
 * for several server instances (Keyv/Redis) can too, see the package README.
 */
export interface TokenStore {
  /**
   * The stored login, or `null`. Throws `OAuthError` `store_corrupt` for an unreadable login, and
   * `store_unavailable` (retryable) when a shared store cannot be reached: the token manager then keeps
   * serving a still-valid login from memory.
   */
  get(): Promise<StoredLogin | null>;
  /** Replaces the login. */
  set(login: StoredLogin): Promise<void>;
  /**
   * Writes `login` only when the store holds none, atomically against other writers; returns whether
   * it wrote. Optional: a store shared by several processes implements it, so that seeding at start-up
   * never overwrites a login another process has just refreshed.
   */
  setIfAbsent?(login: StoredLogin): Promise<boolean>;
  /** Removes the login; succeeds when there is none. */
  delete(): Promise<void>;
  /**
   * Writes `next` only if the stored refresh token is still `expectedRefreshToken`; returns whether
   * it wrote. This is how a rotated refresh token is saved without overwriting a newer login.
   */
  compareAndSet(expectedRefreshToken: string, next: StoredLogin): Promise<boolean>;
  /**
   * A cheap token that changes whenever the stored login may have changed (file identity and mtime,
   * a counter, a version key). The token manager polls it at most about once a second to notice
   * logins and refreshes made elsewhere. Optional: without it, the manager re-reads the login instead.
   */
  revision?(): Promise<string>;
  /** A path to lock across processes while refreshing (the file store's `auth.json`). */
  readonly lockPath?: string;
  /**
   * Takes the lock that makes a refresh happen once for everyone sharing this store (a leased lock of a
   * shared store, so a holder that dies loses it); resolves with its release. Used instead of
   * `lockPath` when present. A store that cannot be reached rejects with `OAuthError`
   * `store_unavailable`.
   */
  lock?(): Promise<ReleaseLock>;
}
