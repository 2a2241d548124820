import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { ACCOUNT_NAME_PATTERN, checkAccountName, DEFAULT_ACCOUNT_NAME } from "./account-name.js";
import { refuseDuplicateLogins } from "./duplicate-login-guard.js";
import { createFileTokenStore, type FileTokenStore } from "./file-token-store.js";
import type { TokenStore } from "./token-store.js";

/** Options of {@link createLoginDirectory}. */
export interface LoginDirectoryOptions {
  /** `CMP_HOME`: holds `auth.json` (the first account) and `accounts/<name>.json` (the others). */
  home: string;
  /** Milliseconds since the epoch (temp-file ages); default `Date.now`. */
  now?: () => number;
}

/**
 * The named logins of one `CMP_HOME`: the first account (`default`) in `auth.json`, exactly the
 * single-account layout, and every further account in its own Codex-layout file
 * `accounts/<name>.json` (0600, folder 0700, atomic writes, as `createFileTokenStore`).
 */
export interface LoginDirectory {
  /** The names with a login file, `default` first (when `auth.json` exists), the others sorted. */
  names(): Promise<string[]>;
  /** The file of an account (`auth.json` for `default`). Throws `invalid_input` for a bad name. */
  pathOf(name: string): string;
  /** The file store of an account (whether or not it exists yet). */
  store(name: string): FileTokenStore;
  /**
   * The store a login flow for `name` saves to: it refuses (`duplicate_account`) a ChatGPT account
   * that another name already holds.
   */
  loginStore(name: string): TokenStore;
  /** The name already holding ChatGPT account `accountId`, other than `except`; `null` when none. */
  findAccount(accountId: string, except?: string): Promise<string | null>;
  /** Deletes an account's file (and its refresh lock); succeeds when there is none. */
  remove(name: string): Promise<void>;
}

/** Creates the {@link LoginDirectory} of `home`. It reads nothing until asked. */
export function createLoginDirectory(options: LoginDirectoryOptions): LoginDirectory {
  const { home } = options;
  const accountsDir = join(home, "accounts");
  const stores = new Map<string, FileTokenStore>();
  const pathOf = (name: string) =>
    checkAccountName(name) === DEFAULT_ACCOUNT_NAME
      ? join(home, "auth.json")
      : join(accountsDir, `${name}.json`);
  const store = (name: string) => {
    let found = stores.get(name);
    if (found === undefined) {
      found = createFileTokenStore({ path: pathOf(name), ...(options.now ? { now: options.now } : {}) });
      stores.set(name, found);
    }
    return found;
  };
  const names = async () => {
    const found: string[] = [];
    const defaultLogin = await store(DEFAULT_ACCOUNT_NAME)
      .get()
      .then(
        (login) => login !== null,
        () => true, // an unreadable auth.json is still an account, shown with its error
      );
    if (defaultLogin) found.push(DEFAULT_ACCOUNT_NAME);
    const files = await readdir(accountsDir).catch(() => [] as string[]);
    const others = files
      .filter((file) => file.endsWith(".json"))
      .map((file) => file.slice(0, -".json".length))
      .filter((name) => name !== DEFAULT_ACCOUNT_NAME && ACCOUNT_NAME_PATTERN.test(name))
      .sort();
    return [...found, ...others];
  };
  const findAccount = async (accountId: string, except?: string) => {
    for (const name of await names()) {
      if (name === except) continue;
      const login = await store(name)
        .get()
        .catch(() => null);
      if (login?.accountId === accountId) return name;
    }
    return null;
  };
  return {
    names,
    pathOf,
    store,
    loginStore: (name) =>
      refuseDuplicateLogins(store(name), { name, findAccount: (accountId) => findAccount(accountId, name) }),
    findAccount,
    remove: async (name) => {
      const path = pathOf(name);
      await store(name).delete();
      await rm(`${path}.lock`, { recursive: true, force: true });
      stores.delete(name);
    },
  };
}
