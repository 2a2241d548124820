import {
  createLoginDirectory,
  createTokenManager,
  importCodexAuth,
  type LoginResult,
  loginWithBrowser,
  loginWithDeviceCode,
  loginWithPastedRedirect,
  logout,
} from "@cmp/oauth";
import type { LoginDriver, LoginInfo } from "./login-driver.js";

/** Options of `createOAuthLoginDriver`. */
export interface OAuthLoginDriverOptions {
  /** `$CMP_HOME`: `auth.json` (account `default`) and `accounts/<name>.json`, the files the server reads. */
  home: string;
  issuer: string;
  callbackPort: number;
  /** Only the default port may fall back to 1457. */
  callbackPortExplicit: boolean;
  codexHome: string;
  fetch?: typeof globalThis.fetch;
  /** Opens a URL in a browser; default the `open` package (through `@cmp/oauth`). */
  openBrowser?: (url: string) => Promise<void>;
}

function toInfo(result: LoginResult): LoginInfo {
  return {
    email: result.email,
    plan: result.plan,
    accountId: result.accountId,
    expiresAt: result.expiresAt,
    lastRefresh: null,
  };
}

/**
 * The real login driver: the `@cmp/oauth` flows, saving each login under its account name in
 * `@cmp/oauth`'s login directory of `home`, which refuses a ChatGPT account already saved under
 * another name (`duplicate_account`).
 */
export function createOAuthLoginDriver(options: OAuthLoginDriverOptions): LoginDriver {
  const directory = createLoginDirectory({ home: options.home });
  const base = { issuer: options.issuer, fetch: options.fetch };
  return {
    pathOf: (name) => directory.pathOf(name),
    names: () => directory.names(),
    async current(name) {
      const manager = createTokenManager({ ...base, store: directory.store(name), lockPath: null });
      const status = await manager.getStatus();
      if (!status) return null;
      return {
        email: status.email,
        plan: status.plan,
        accountId: status.accountId,
        expiresAt: status.expiresAt,
        lastRefresh: status.lastRefresh,
      };
    },
    async login(name, method, attempt) {
      const flow = { ...base, store: directory.loginStore(name), signal: attempt.signal };
      switch (method) {
        case "browser": {
          const { openBrowser } = options;
          const result = await loginWithBrowser({
            ...flow,
            port: options.callbackPort,
            fallbackPort: options.callbackPortExplicit ? null : undefined,
            onAuthorizeUrl: (url) => attempt.onPrompt({ kind: "open_url", url, opened: true }),
            ...(openBrowser
              ? {
                  openBrowser: async (url: string) => {
                    try {
                      await openBrowser(url);
                    } catch {
                      attempt.onPrompt({ kind: "open_url", url, opened: false });
                    }
                  },
                }
              : {}),
          });
          return toInfo(result);
        }
        case "device":
          return toInfo(
            await loginWithDeviceCode({
              ...flow,
              onDeviceCode: (prompt) =>
                attempt.onPrompt({
                  kind: "device_code",
                  userCode: prompt.userCode,
                  verificationUrl: prompt.verificationUrl,
                  expiresAt: prompt.expiresAt,
                }),
            }),
          );
        case "paste":
          return toInfo(
            await loginWithPastedRedirect({
              ...flow,
              port: options.callbackPort,
              onAuthorizeUrl: (url) => attempt.onPrompt({ kind: "paste_url", url }),
              readInput: () => attempt.readPastedUrl(),
            }),
          );
        case "import":
          return toInfo(await importCodexAuth({ ...flow, codexHome: options.codexHome }));
      }
    },
    async logout(name) {
      await logout({ ...base, store: directory.store(name) });
      // logout deleted the login; remove() also takes its refresh lock and forgets the cached store.
      await directory.remove(name);
    },
  };
}
