import { writeAuthJson, writeAuthJsonFile } from "./auth-json.js";
import { type FakeAuthServer, type FakeAuthServerOptions, startFakeAuthServer } from "./fake-auth-server.js";
import {
  type FakeCodexServer,
  type FakeCodexServerOptions,
  startFakeCodexServer,
} from "./fake-codex-server.js";
import { createSigningKey } from "./signing-key.js";
import type { FakeAccount } from "./token-claims.js";
import type { FakeTokenSet, IssueTokensOptions } from "./token-issuer.js";

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  auth?: Omit<FakeAuthServerOptions, "signingKey">;
  codex?: Omit<FakeCodexServerOptions, "auth">;
  /**
   * One clock (ms) for both servers (token `iat`/`exp`, quota and usage-limit reset times); each server's
   * own `now` option wins. Default `Date.now`.
   */
  now?: () => number;
}

/** A login written to a file by {@link FakeUpstream.loginAccountInto}. */
export interface AccountLogin {
  /** The file written. */
  path: string;
  tokens: FakeTokenSet;
  /** The account the tokens belong to (the configured account with the given fields on top). */
  account: FakeAccount;
}

/** Both fake servers, sharing one signing key. */
export interface FakeUpstream {
  auth: FakeAuthServer;
  codex: FakeCodexServer;
  /** Issues a fresh login and writes it as `<dir>/auth.json` (Codex layout, 0600). */
  loginInto(dir: string, options?: IssueTokensOptions): Promise<{ path: string; tokens: FakeTokenSet }>;
  /**
   * Issues a fresh login of `account` (e.g. `FAKE_POOL_ACCOUNTS.b`; fields left out come from the auth
   * server's configured account) and writes it as a Codex-layout `auth.json` to exactly `path` (0600).
   */
  loginAccountInto(path: string, account: IssueTokensOptions): Promise<AccountLogin>;
  /** Closes both servers. */
  close(): Promise<void>;
}

/**
 * Starts the fake auth server and the fake Codex backend; the backend verifies tokens from the auth server.
 * Point `CMP_AUTH_ISSUER` at `auth.issuer` and `CMP_UPSTREAM_URL` at `codex.baseUrl`.
 */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const signingKey = await createSigningKey();
  const clock = options.now === undefined ? {} : { now: options.now };
  const auth = await startFakeAuthServer({ ...clock, ...options.auth, signingKey });
  let codex: FakeCodexServer;
  try {
    codex = await startFakeCodexServer({ ...clock, ...options.codex, auth });
  } catch (error) {
    await auth.close();
    throw error;
  }
  return {
    auth,
    codex,
    async loginInto(dir, issueOptions) {
      const tokens = await auth.issueTokens(issueOptions);
      return { path: await writeAuthJson(dir, tokens), tokens };
    },
    async loginAccountInto(path, account) {
      const base = auth.config.account;
      const resolved: FakeAccount = {
        accountId: account.accountId ?? base.accountId,
        planType: account.planType ?? base.planType,
        email: account.email ?? base.email,
        userId: account.userId ?? base.userId,
      };
      const tokens = await auth.issueTokens({ ...account, ...resolved });
      return { path: await writeAuthJsonFile(path, tokens), tokens, account: resolved };
    },
    close: async () => {
      await Promise.all([auth.close(), codex.close()]);
    },
  };
}
