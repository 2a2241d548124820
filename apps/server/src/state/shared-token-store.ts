import { OAuthError, type StoredLogin, type TokenStore } from "@cmp/oauth";
import { LockTimeoutError, SecretBoxError, type Store, StoreUnavailableError } from "@cmp/store";

/** The secret namespace of logins; its key is the account's name, never token material. */
const LOGINS = "logins";
/** The lease of the refresh lock: a replica that dies while refreshing frees it after this long. */
export const REFRESH_LOCK_TTL_MS = 30_000;
/** How long a refresh waits for another replica's refresh (which then usually makes this one unneeded). */
const REFRESH_LOCK_WAIT_MS = 60_000;

/** Options of {@link createSharedTokenStore}. */
export interface SharedTokenStoreOptions {
  /** The login's name in the store (`default` for the single-account layout). */
  account?: string;
}

const isLogin = (value: unknown): value is StoredLogin => {
  if (typeof value !== "object" || value === null) return false;
  const login = value as Partial<Record<keyof StoredLogin, unknown>>;
  const stringOrNull = (field: unknown) => field === null || typeof field === "string";
  return (
    typeof login.accessToken === "string" &&
    login.accessToken !== "" &&
    typeof login.refreshToken === "string" &&
    login.refreshToken !== "" &&
    stringOrNull(login.idToken) &&
    stringOrNull(login.accountId) &&
    stringOrNull(login.lastRefresh)
  );
};

/** The store's own errors in the token manager's terms (no key, value or URL in the message). */
function toOAuthError(error: unknown, doing: string): unknown {
  if (OAuthError.isInstance(error)) return error;
  if (StoreUnavailableError.isInstance(error)) {
    return new OAuthError(
      "store_unavailable",
      `The shared store (CMP_STORE_URL) cannot be reached to ${doing}.`,
      {
        cause: error,
        retryable: true,
      },
    );
  }
  if (LockTimeoutError.isInstance(error)) {
    // Another replica held the refresh lock all along: its refresh is the one that counts.
    return new OAuthError(
      "refresh_failed",
      "Another replica has been refreshing the ChatGPT login for a while; the login is kept. Try again shortly.",
      { cause: error, retryable: true },
    );
  }
  if (SecretBoxError.isInstance(error)) {
    return new OAuthError(
      "store_corrupt",
      "The stored login cannot be opened with CMP_STORE_SECRET (another secret, or changed data); check the secret, or log in again.",
      { cause: error },
    );
  }
  return new OAuthError("store_read_failed", `The shared store failed to ${doing}.`, { cause: error });
}

async function mapped<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toOAuthError(error, doing);
  }
}

/**
 * The login in a shared store (`CMP_STORE_URL`): every replica with the same URL, prefix and secret
 * reads and refreshes one login. The value is sealed with the store secret (AES-256-GCM) under a key
 * that is the account's name; a refresh takes the store's leased lock, so it happens once for the whole
 * deployment, and saves the rotated refresh token by compare-and-set, so a newer login is never
 * overwritten. Store failures become `OAuthError` `store_unavailable`, which the token manager answers
 * from memory while its login is valid.
 */
export function createSharedTokenStore(store: Store, options: SharedTokenStoreOptions = {}): TokenStore {
  const key = options.account ?? "default";
  const logins = store.secretNamespace(LOGINS);

  const read = async (): Promise<StoredLogin | null> => {
    const value: unknown = await logins.get(key);
    if (value === undefined || value === null) return null;
    if (!isLogin(value))
      throw new OAuthError(
        "store_corrupt",
        "The stored login in the shared store is not a login; log in again.",
      );
    return value;
  };

  return {
    get: () => mapped("read the login", read),
    set: (login) =>
      mapped("save the login", async () => {
        await logins.set(key, copyLogin(login));
      }),
    setIfAbsent: (login) =>
      mapped("save the login", () =>
        store.compareAndSet(LOGINS, key, undefined, copyLogin(login), { secret: true }),
      ),
    delete: () =>
      mapped("remove the login", async () => {
        await logins.delete(key);
      }),
    compareAndSet: (expectedRefreshToken, next) =>
      mapped("save the refreshed login", async () => {
        const current = await read();
        if (current === null || current.refreshToken !== expectedRefreshToken) return false;
        return store.compareAndSet(LOGINS, key, current, copyLogin(next), { secret: true });
      }),
    lock: () =>
      mapped("lock the login for a refresh", async () => {
        const held = await store.lock(`refresh.${key}`, {
          ttlMs: REFRESH_LOCK_TTL_MS,
          waitMs: REFRESH_LOCK_WAIT_MS,
        });
        return () => held.release();
      }),
  };
}

/** A plain copy: exactly the login's fields go to the store, whatever object the caller passed. */
function copyLogin(login: StoredLogin): StoredLogin {
  return {
    idToken: login.idToken,
    accessToken: login.accessToken,
    refreshToken: login.refreshToken,
    accountId: login.accountId,
    lastRefresh: login.lastRefresh,
  };
}
