import { computeBackoffMs, DEFAULT_ORIGINATOR } from "@cmp/core";
import { createCallerDeadline } from "./caller-deadline.js";
import { getErrnoCode } from "./errno-code.js";
import { createIdTokenVerifier } from "./id-token-verification.js";
import { OAuthError } from "./oauth-errors.js";
import { acquireRefreshLock, type ReleaseLock } from "./refresh-lock.js";
import type { StoredLogin } from "./stored-login.js";
import { timingSafeEqualStrings } from "./timing-safe-equal.js";
import { decodeLoginClaims, type LoginClaims } from "./token-claims.js";
import type {
  TokenManager,
  TokenManagerEvent,
  TokenManagerEventType,
  TokenManagerOptions,
} from "./token-manager-types.js";
import { refreshTokens } from "./token-refresh.js";

interface Snapshot {
  login: StoredLogin;
  /** `null` when the access token cannot be read; such a login is refreshed before use. */
  claims: LoginClaims | null;
  /** How long before expiry this token is refreshed: the configured lead, at most half its lifetime. */
  leadMs: number;
}

function readClaims(login: StoredLogin): LoginClaims | null {
  try {
    return decodeLoginClaims({
      idToken: login.idToken,
      accessToken: login.accessToken,
      fallbackAccountId: login.accountId,
    });
  } catch {
    return null;
  }
}

/**
 * The refresh lead for one token: `leadMs`, but at most half the token's lifetime (`exp - iat`, or since
 * the stored `last_refresh` when the token has no `iat`). With a lead longer than the lifetime every
 * refreshed token would already be due, and each request would refresh again.
 */
function leadFor(login: StoredLogin, claims: LoginClaims | null, leadMs: number): number {
  if (!claims) return leadMs;
  const issuedAt =
    claims.issuedAt?.getTime() ?? (login.lastRefresh ? Date.parse(login.lastRefresh) : Number.NaN);
  const lifetime = claims.expiresAt.getTime() - issuedAt;
  return Number.isFinite(lifetime) && lifetime > 0 ? Math.min(leadMs, lifetime / 2) : leadMs;
}

/** A short, path-free description of why the stored login cannot be read (for `/v1/status`). */
function describeStoreError(error: OAuthError): string {
  switch (error.code) {
    case "store_corrupt":
      return "store_corrupt: the saved login (auth.json) is not a valid login; log in again to replace it";
    case "store_read_failed":
      return `store_read_failed: the saved login (auth.json) cannot be read (${getErrnoCode(error.cause) ?? "read error"})`;
    default:
      return error.code;
  }
}

/** What {@link TokenManager.getAuth} hands out. */
type HandedOutAuth = Awaited<ReturnType<TokenManager["getAuth"]>>;

const sameLogin = (a: StoredLogin, b: StoredLogin) =>
  a.refreshToken === b.refreshToken && a.accessToken === b.accessToken;

/**
 * Creates the token manager the server calls for every request. Refreshes are single-flight per
 * manager and, through a file lock plus a re-read of the store, across processes sharing the store;
 * the rotated refresh token is saved before the new access token is handed out. Terminal refusals
 * (`refresh_token_reused`/`_expired`/`_invalidated`, 401) are remembered until the store changes.
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { store } = options;
  const now = options.now ?? Date.now;
  const leadMs = options.refreshLeadMs ?? 5 * 60_000;
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30_000;
  const callerTimeoutMs = options.refreshTimeoutMs ?? 15_000;
  const answerTimeoutMs = options.refreshAnswerTimeoutMs ?? 120_000;
  const checkIntervalMs = options.storeCheckIntervalMs ?? 1000;
  const lockPath = options.lockPath === undefined ? store.lockPath : (options.lockPath ?? undefined);
  const loginHint = options.loginHint ?? "run `cmp-server login`";
  const backoffInitialMs = options.backoff?.initialMs ?? 1000;
  const backoffMaxMs = options.backoff?.maxMs ?? 30_000;
  const verifier =
    options.verifyIdToken === false
      ? null
      : createIdTokenVerifier({ issuer: options.issuer, fetch: options.fetch, now });
  const listeners = new Map<TokenManagerEventType, Set<(event: TokenManagerEvent) => void>>();

  let current: Snapshot | null | undefined;
  let revision: string | undefined;
  let lastCheckAt = Number.NEGATIVE_INFINITY;
  let syncing: Promise<void> | null = null;
  let inflight: Promise<Snapshot> | null = null;
  let terminal: { refreshToken: string; error: OAuthError } | null = null;
  let backoff: { until: number; failures: number } | null = null;
  /** When this manager last sent a refresh grant (rate limit of refreshes ahead of expiry). */
  let lastRefreshSentAt = Number.NEGATIVE_INFINITY;
  /**
   * The last store read failure, with the store revision it was seen at: while the revision stays the
   * same the error is answered from memory (no re-read per request), and it is reported once.
   */
  let storeError: { revision: string | undefined; error: OAuthError } | null = null;
  /**
   * A refreshed login the store could not save (disk full, read-only, I/O error). The issuer already
   * rotated the refresh token, so this copy is the only one that still works: it is served from memory,
   * saved again on later store checks, and never replaced by the older login the store still holds.
   */
  let unsaved: { login: StoredLogin; storedRefreshToken: string } | null = null;

  const emit = (event: TokenManagerEvent) => {
    for (const listener of listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch {
        // a dashboard listener must never break token handling
      }
    }
  };

  const snapshotOf = (login: StoredLogin, claims = readClaims(login)): Snapshot => ({
    login,
    claims,
    leadMs: leadFor(login, claims, leadMs),
  });

  const adopt = (login: StoredLogin | null) => {
    if (!login) {
      if (current) emit({ type: "logged_out", at: new Date(now()) });
      current = null;
      return;
    }
    if (current && sameLogin(current.login, login)) {
      current = { ...current, login };
      return;
    }
    current = snapshotOf(login);
    if (terminal && terminal.refreshToken !== login.refreshToken) terminal = null;
    backoff = null;
  };

  /** Tries again to save {@link unsaved}; returns true when it is settled (saved, or superseded). */
  const saveUnsaved = async (): Promise<boolean> => {
    const pending = unsaved;
    if (!pending) return true;
    let written: boolean;
    try {
      written = await store.compareAndSet(pending.storedRefreshToken, pending.login);
    } catch {
      return false;
    }
    unsaved = null;
    if (written) revision = store.revision ? await store.revision() : undefined;
    else revision = undefined;
    return written;
  };

  const readStore = async (force: boolean) => {
    lastCheckAt = now();
    if (unsaved) {
      // Saved now: memory and store agree. Still failing: keep serving the newer login from memory.
      if ((await saveUnsaved()) || unsaved) return;
    }
    const next = store.revision ? await store.revision() : undefined;
    if (!force && current !== undefined && next !== undefined && next === revision) return;
    if (!force && storeError && next !== undefined && next === storeError.revision) throw storeError.error;
    let login: StoredLogin | null;
    try {
      login = await store.get();
    } catch (error) {
      noteStoreError(error, next);
      throw error;
    }
    storeError = null;
    revision = next;
    adopt(login);
  };

  /** Remembers why the store could not be read; reports it once per episode (the log, the dashboard). */
  const noteStoreError = (error: unknown, at: string | undefined) => {
    if (!OAuthError.isInstance(error)) return;
    const isNew = storeError?.error.code !== error.code;
    storeError = { revision: at, error };
    if (isNew)
      emit({ type: "store_unreadable", at: new Date(now()), code: error.code, message: error.message });
  };

  /**
   * The periodic store check of a request. A shared store that cannot be reached fails only the
   * requests that need it: a login still valid in memory keeps serving until the store is back.
   */
  const syncForRequest = async (): Promise<void> => {
    try {
      await sync(false);
    } catch (error) {
      const servable = current !== undefined && current !== null && isValid(current);
      if (!(servable && OAuthError.isInstance(error) && error.code === "store_unavailable")) throw error;
    }
  };

  /** Re-reads the store when it changed (checked at most every `checkIntervalMs`), or always when forced. */
  const sync = async (force: boolean): Promise<void> => {
    if (!force && current !== undefined && now() - lastCheckAt < checkIntervalMs) return;
    if (syncing && !force) return syncing;
    while (syncing) await syncing.catch(() => undefined);
    syncing = readStore(force).finally(() => {
      syncing = null;
    });
    return syncing;
  };

  const notLoggedIn = () => new OAuthError("not_logged_in", `Not logged in to ChatGPT; ${loginHint}.`);
  const handedOut = new WeakMap<Snapshot, HandedOutAuth>();
  const toCredentials = (snap: Snapshot): HandedOutAuth => {
    let credentials = handedOut.get(snap);
    if (!credentials) {
      credentials = Object.freeze({
        accessToken: snap.login.accessToken,
        accountId: snap.claims?.accountId ?? snap.login.accountId ?? "",
      });
      handedOut.set(snap, credentials);
    }
    return credentials;
  };
  /** A refresh ahead of expiry is due only this long after the last one sent (see `minRefreshIntervalMs`). */
  const refreshRateLimited = () => now() - lastRefreshSentAt < minRefreshIntervalMs;
  const stillRefreshing = () =>
    new OAuthError(
      "refresh_failed",
      `Refreshing the ChatGPT login timed out after ${callerTimeoutMs < 1000 ? `${callerTimeoutMs} ms` : `${Math.round(callerTimeoutMs / 1000)} s`}; it goes on in the background and the login is kept. Try again shortly.`,
      { retryable: true },
    );
  const isValid = (snap: Snapshot, marginMs = 0) =>
    snap.claims !== null && snap.claims.expiresAt.getTime() - marginMs > now();
  const terminalFor = (snap: Snapshot) =>
    terminal && terminal.refreshToken === snap.login.refreshToken ? terminal.error : null;
  const backoffError = () =>
    new OAuthError(
      "refresh_failed",
      `Refreshing the ChatGPT login failed; retrying in ${Math.ceil(((backoff?.until ?? now()) - now()) / 1000)} s.`,
      { retryable: true },
    );

  /** Reports a refresh failure that a later call may get past (the dashboard shows it; nothing is lost). */
  const reportRetryable = (message: string): void =>
    emit({ type: "refresh_failed", at: new Date(now()), code: "refresh_failed", message, retryable: true });

  /** Remembers a terminal refusal for this refresh token (later calls fail fast) and reports it. */
  const failTerminal = (snap: Snapshot, error: OAuthError): OAuthError => {
    terminal = { refreshToken: snap.login.refreshToken, error };
    emit({
      type: "refresh_failed",
      at: new Date(now()),
      code: "reauth_required",
      message: error.message,
      retryable: false,
    });
    return error;
  };

  async function runRefresh(start: Snapshot): Promise<Snapshot> {
    let release: ReleaseLock | undefined;
    if (store.lock) release = await store.lock();
    else if (lockPath) release = await acquireRefreshLock(lockPath);
    try {
      await sync(true);
      const snap = current;
      if (!snap) throw notLoggedIn();
      if (!sameLogin(snap.login, start.login) && isValid(snap)) return snap;
      const known = terminalFor(snap);
      if (known) throw known;
      // Everything that can wait happens before the grant is sent: once the issuer receives it, the old
      // refresh token is spent, and only saving the answer keeps the login. The keys that check the new
      // id token are fetched now, so that between the answer and the save there is no network call.
      await verifier?.prepare();
      lastRefreshSentAt = now();
      // The answer is awaited for `answerTimeoutMs` even when every caller has given up (they wait only
      // `refreshTimeoutMs`): an answer that arrives late still carries the only working refresh token.
      const result = await refreshTokens({
        refreshToken: snap.login.refreshToken,
        issuer: options.issuer,
        clientId: options.clientId,
        fetch: options.fetch,
        timeoutMs: answerTimeoutMs,
        originator: options.originator ?? DEFAULT_ORIGINATOR,
      });
      if (result.ok) {
        if (result.idToken && verifier) {
          try {
            await verifier.verify(result.idToken);
          } catch (cause) {
            // A forged answer must not become the login; the old refresh token is spent, so only a new login helps.
            throw failTerminal(
              snap,
              new OAuthError(
                "reauth_required",
                `The refreshed login's id token is not signed by the issuer, so it was not saved; ${loginHint}.`,
                { cause },
              ),
            );
          }
        }
        const next: StoredLogin = {
          idToken: result.idToken ?? snap.login.idToken,
          accessToken: result.accessToken,
          refreshToken: result.refreshToken ?? snap.login.refreshToken,
          accountId: snap.login.accountId,
          lastRefresh: new Date(now()).toISOString(),
        };
        const claims = readClaims(next);
        if (claims) next.accountId = claims.accountId;
        const storedRefreshToken = unsaved?.storedRefreshToken ?? snap.login.refreshToken;
        let written: boolean;
        try {
          written = await store.compareAndSet(storedRefreshToken, next);
        } catch (cause) {
          unsaved = { login: next, storedRefreshToken };
          adopt(next);
          reportRetryable(
            `The login was refreshed but could not be saved (${OAuthError.isInstance(cause) ? cause.code : "write error"}); it is kept in memory and saved again shortly. Free the disk or fix the folder's permissions before restarting.`,
          );
          written = true;
        }
        if (!written) {
          await sync(true);
          if (current) return current;
          throw notLoggedIn();
        }
        if (!unsaved || unsaved.login !== next) {
          unsaved = null;
          revision = store.revision ? await store.revision() : undefined;
        }
        adopt(next);
        if (!claims) {
          const failures = (backoff?.failures ?? 0) + 1;
          backoff = {
            failures,
            until: now() + computeBackoffMs(failures, { baseMs: backoffInitialMs, maxMs: backoffMaxMs }),
          };
          const error = new OAuthError("refresh_failed", "The refreshed access token has no usable claims.", {
            retryable: true,
          });
          reportRetryable(error.message);
          throw error;
        }
        emit({
          type: "refreshed",
          at: new Date(now()),
          accountId: claims.accountId,
          expiresAt: claims.expiresAt,
        });
        return current ?? snapshotOf(next, claims);
      }
      if (result.reason === "reauth_required") {
        throw failTerminal(
          snap,
          new OAuthError(
            "reauth_required",
            `The ChatGPT login can no longer be refreshed (${result.errorCode ?? `HTTP ${result.status}`}); ${loginHint}.`,
            { status: result.status },
          ),
        );
      }
      const failures = (backoff?.failures ?? 0) + 1;
      backoff = {
        failures,
        until: now() + computeBackoffMs(failures, { baseMs: backoffInitialMs, maxMs: backoffMaxMs }),
      };
      const error = new OAuthError(
        "refresh_failed",
        `${result.error.message} The login is kept; retrying later.`,
        {
          cause: result.error,
          retryable: true,
          status: result.error.status,
        },
      );
      reportRetryable(error.message);
      throw error;
    } finally {
      await release?.();
    }
  }

  const refreshOnce = (start: Snapshot): Promise<Snapshot> => {
    inflight ??= runRefresh(start).finally(() => {
      inflight = null;
    });
    return inflight;
  };

  async function getAuth(): Promise<HandedOutAuth> {
    // Hot path: a fresh token, no store check due and nothing pending costs no I/O, decode or await.
    const fresh = current;
    if (
      fresh &&
      syncing === null &&
      now() - lastCheckAt < checkIntervalMs &&
      (terminal === null || terminal.refreshToken !== fresh.login.refreshToken) &&
      isValid(fresh, fresh.leadMs)
    ) {
      return toCredentials(fresh);
    }
    await syncForRequest();
    // The caller waits at most `refreshTimeoutMs` in all for refreshes; they go on without it.
    const deadline = createCallerDeadline(callerTimeoutMs, stillRefreshing);
    try {
      if (inflight && !(current && isValid(current))) {
        await deadline.race(inflight).catch((error: unknown) => {
          if (deadline.expired) throw error;
        });
      }
      const snap = current;
      if (!snap) throw notLoggedIn();
      const known = terminalFor(snap);
      if (known) throw known;
      if (isValid(snap, snap.leadMs)) return toCredentials(snap);
      const inBackoff = backoff !== null && backoff.until > now();
      if (isValid(snap)) {
        if (!inBackoff && !refreshRateLimited()) refreshOnce(snap).catch(() => undefined);
        return toCredentials(snap);
      }
      if (inBackoff) throw backoffError();
      return toCredentials(await deadline.race(refreshOnce(snap)));
    } finally {
      deadline.dispose();
    }
  }

  async function refreshAfterUnauthorized(staleAccessToken: string): Promise<HandedOutAuth> {
    const deadline = createCallerDeadline(callerTimeoutMs, stillRefreshing);
    try {
      if (inflight) {
        await deadline.race(inflight).catch((error: unknown) => {
          if (deadline.expired) throw error;
        });
      }
      await sync(true);
      const snap = current;
      if (!snap) throw notLoggedIn();
      if (!timingSafeEqualStrings(snap.login.accessToken, staleAccessToken)) return getAuth();
      const known = terminalFor(snap);
      if (known) throw known;
      if (backoff !== null && backoff.until > now()) throw backoffError();
      const next = await deadline.race(refreshOnce(snap));
      if (timingSafeEqualStrings(next.login.accessToken, staleAccessToken)) {
        throw new OAuthError("refresh_failed", "The refreshed login still has the rejected access token.", {
          retryable: true,
        });
      }
      return toCredentials(next);
    } finally {
      deadline.dispose();
    }
  }

  return {
    getAuth,
    refreshAfterUnauthorized,
    async getStatus() {
      await sync(false);
      const snap = current;
      if (!snap) return null;
      return {
        email: snap.claims?.email ?? null,
        plan: snap.claims?.plan ?? null,
        accountId: snap.claims?.accountId ?? snap.login.accountId ?? "",
        expiresAt: snap.claims?.expiresAt ?? new Date(0),
        lastRefresh: snap.login.lastRefresh ? new Date(snap.login.lastRefresh) : null,
        reauthRequired: terminalFor(snap) !== null,
      };
    },
    getLoginError: () => (storeError ? describeStoreError(storeError.error) : null),
    async drain() {
      while (inflight) await inflight.catch(() => undefined);
      if (unsaved) await saveUnsaved();
    },
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      const wrapped = listener as (event: TokenManagerEvent) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
}
