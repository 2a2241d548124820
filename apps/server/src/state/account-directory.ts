import {
  checkAccountName,
  createLoginDirectory,
  DEFAULT_ACCOUNT_NAME,
  refuseDuplicateLogins,
  type TokenStore,
} from "@cmp/oauth";
import type { Store } from "@cmp/store";
import { createSharedTokenStore } from "./shared-token-store.js";

/**
 * Where the accounts of the pool live, for the server and the `cmp-server` commands alike: their names
 * and their login stores. The first account is `default`, in exactly the single-account layout.
 */
export interface AccountDirectory {
  /** For messages: `/home/me/.cmp` or `the shared store (CMP_STORE_URL, prefix cmp)`. */
  readonly where: string;
  /** The accounts with a login (or registered, in the shared store), `default` first. */
  names(): Promise<string[]>;
  /** The login store of an account (whether or not it holds a login). */
  tokenStore(name: string): TokenStore;
  /** The store a login flow saves to: it refuses a ChatGPT account another name holds (`duplicate_account`). */
  loginStore(name: string): TokenStore;
  /** Makes a saved login part of the pool (the shared store's list; a file is its own registration). */
  register(name: string): Promise<void>;
  /** Forgets an account: its login and its registration. */
  unregister(name: string): Promise<void>;
}

/** The accounts of one `CMP_HOME`: `auth.json` and `accounts/<name>.json` (`@cmp/oauth` `createLoginDirectory`). */
export function createFileAccountDirectory(home: string): AccountDirectory {
  const logins = createLoginDirectory({ home });
  return {
    where: home,
    names: () => logins.names(),
    tokenStore: (name) => logins.store(name),
    loginStore: (name) => logins.loginStore(name),
    register: async (name) => {
      checkAccountName(name);
    },
    unregister: (name) => logins.remove(name),
  };
}

/** The namespace of the pool's settings; `accounts` holds the list of names (shared store only). */
export const POOL_NAMESPACE = "pool";
const NAMES_KEY = "accounts";

/**
 * The accounts of a shared store (`CMP_STORE_URL`): each login sealed under the secret namespace
 * `logins` by its name (`createSharedTokenStore`), and the list of names in `pool`/`accounts`,
 * changed by compare-and-set so two commands never lose each other's account. A store from before
 * pools (no list) has the one account `default`.
 */
export function createSharedAccountDirectory(store: Store): AccountDirectory {
  const stores = new Map<string, TokenStore>();
  const tokenStore = (name: string) => {
    let found = stores.get(checkAccountName(name));
    if (found === undefined) {
      found = createSharedTokenStore(store, { account: name });
      stores.set(name, found);
    }
    return found;
  };
  const pool = store.namespace(POOL_NAMESPACE);
  const readNames = async (): Promise<string[] | undefined> => {
    const value: unknown = await pool.get(NAMES_KEY);
    return Array.isArray(value) ? value.filter((n): n is string => typeof n === "string") : undefined;
  };
  const ordered = (names: Iterable<string>) => {
    const unique = [...new Set(names)];
    const others = unique.filter((name) => name !== DEFAULT_ACCOUNT_NAME).sort();
    return unique.includes(DEFAULT_ACCOUNT_NAME) ? [DEFAULT_ACCOUNT_NAME, ...others] : others;
  };
  const change = async (update: (names: string[]) => string[]) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await readNames();
      const next = ordered(update(current ?? [DEFAULT_ACCOUNT_NAME]));
      if (await store.compareAndSet(POOL_NAMESPACE, NAMES_KEY, current, next)) return;
    }
    throw new Error("the list of accounts kept changing under this command; try again");
  };
  const findAccount = async (accountId: string, except: string) => {
    for (const name of ordered((await readNames()) ?? [DEFAULT_ACCOUNT_NAME])) {
      if (name === except) continue;
      const login = await tokenStore(name)
        .get()
        .catch(() => null);
      if (login?.accountId === accountId) return name;
    }
    return null;
  };
  return {
    where: `the shared store (CMP_STORE_URL, prefix ${store.prefix})`,
    names: async () => ordered((await readNames()) ?? [DEFAULT_ACCOUNT_NAME]),
    tokenStore,
    loginStore: (name) =>
      refuseDuplicateLogins(tokenStore(name), {
        name,
        findAccount: (accountId) => findAccount(accountId, name),
      }),
    register: async (name) => {
      checkAccountName(name);
      // A store from before pools holds `default` without a list: nothing to write for it.
      if (ordered((await readNames()) ?? [DEFAULT_ACCOUNT_NAME]).includes(name)) return;
      await change((names) => [...names, name]);
    },
    unregister: async (name) => {
      await tokenStore(name).delete();
      await change((names) => names.filter((n) => n !== name));
    },
  };
}
