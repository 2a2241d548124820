import { OAuthError } from "./oauth-errors.js";
import type { StoredLogin } from "./stored-login.js";
import type { TokenStore } from "./token-store.js";

/** Options of {@link refuseDuplicateLogins}. */
export interface DuplicateLoginGuardOptions {
  /** The name of the account this store holds. */
  name: string;
  /** The name of another account already logged in with this ChatGPT account id, or `null`. */
  findAccount(accountId: string): Promise<string | null>;
}

/**
 * Wraps the store a login flow saves to so that a ChatGPT account already logged in under another
 * name is refused (`OAuthError` `duplicate_account`) before anything is written: two pool entries of
 * one subscription would share one quota while the pool counted it twice. Logging the same account
 * in again under its own name (a re-login) is allowed. Every login flow saves through `set`, so one
 * guard covers the browser, device-code, pasted-redirect and Codex-import flows.
 */
export function refuseDuplicateLogins(store: TokenStore, options: DuplicateLoginGuardOptions): TokenStore {
  const check = async (login: StoredLogin) => {
    if (login.accountId === null) return;
    const other = await options.findAccount(login.accountId);
    if (other !== null && other !== options.name) {
      throw new OAuthError(
        "duplicate_account",
        `This ChatGPT account is already logged in as "${other}"; log in with another account, or run \`cmp-server accounts remove ${other}\` first.`,
      );
    }
  };
  const guarded: TokenStore = {
    get: () => store.get(),
    set: async (login) => {
      await check(login);
      await store.set(login);
    },
    delete: () => store.delete(),
    compareAndSet: (expected, next) => store.compareAndSet(expected, next),
  };
  if (store.setIfAbsent) {
    const setIfAbsent = store.setIfAbsent.bind(store);
    guarded.setIfAbsent = async (login) => {
      await check(login);
      return setIfAbsent(login);
    };
  }
  if (store.revision) guarded.revision = store.revision.bind(store);
  if (store.lock) guarded.lock = store.lock.bind(store);
  if (store.lockPath !== undefined) Object.assign(guarded, { lockPath: store.lockPath });
  return guarded;
}
