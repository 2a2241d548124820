import { writeAuthJson } from "./auth-json.js";
import { type FakeAuthServer, type FakeAuthServerOptions, startFakeAuthServer } from "./fake-auth-server.js";
import {
  type FakeCodexServer,
  type FakeCodexServerOptions,
  startFakeCodexServer,
} from "./fake-codex-server.js";
import { createSigningKey } from "./signing-key.js";
import type { FakeTokenSet, IssueTokensOptions } from "./token-issuer.js";

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  auth?: Omit<FakeAuthServerOptions, "signingKey">;
  codex?: Omit<FakeCodexServerOptions, "auth">;
}

/** Both fake servers, sharing one signing key. */
export interface FakeUpstream {
  auth: FakeAuthServer;
  codex: FakeCodexServer;
  /** Issues a fresh login and writes it as `<dir>/auth.json` (Codex layout, 0600). */
  loginInto(dir: string, options?: IssueTokensOptions): Promise<{ path: string; tokens: FakeTokenSet }>;
  /** Closes both servers. */
  close(): Promise<void>;
}

/**
 * Starts the fake auth server and the fake Codex backend; the backend verifies tokens from the auth server.
 * Point `CMP_AUTH_ISSUER` at `auth.issuer` and `CMP_UPSTREAM_URL` at `codex.baseUrl`.
 */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const signingKey = await createSigningKey();
  const auth = await startFakeAuthServer({ ...options.auth, signingKey });
  let codex: FakeCodexServer;
  try {
    codex = await startFakeCodexServer({ ...options.codex, auth });
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
    close: async () => {
      await Promise.all([auth.close(), codex.close()]);
    },
  };
}
