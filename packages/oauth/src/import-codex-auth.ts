import { stat } from "node:fs/promises";
import { join } from "node:path";
import { refuseCodexAgentIdentity } from "./codex-agent-identity.js";
import type { LoginFlowOptions, LoginResult } from "./complete-login.js";
import { verifyIdTokenSignature } from "./id-token-verification.js";
import { OAuthError } from "./oauth-errors.js";
import { readCodexAuthFile } from "./read-codex-auth-file.js";
import { decodeLoginClaims } from "./token-claims.js";

/** Options of {@link importCodexAuth}. */
export interface ImportCodexAuthOptions extends LoginFlowOptions {
  /** The Codex folder (`$CODEX_HOME`, default `~/.codex`) or an `auth.json` path. */
  codexHome: string;
}

/** The warning printed after every import. */
export const CODEX_IMPORT_WARNING =
  "Warning: this login is now a copy of the Codex CLI's. Refresh tokens are single-use, so if Codex CLI and this proxy both keep running, each refresh logs the other out. For lasting use, log this proxy in separately.";

/**
 * Copies an existing Codex CLI login (`auth.json`) into the store once, after checking its claims
 * (and the id_token signature when the issuer's keys are reachable), then prints a warning that the
 * two programs will now invalidate each other's refresh token if both keep running. A file holding a
 * Codex agent identity (`agent_identity`, signed `AgentAssertion` auth) is refused with
 * `codex_agent_identity`.
 */
export async function importCodexAuth(options: ImportCodexAuthOptions): Promise<LoginResult> {
  const print = options.print ?? (() => undefined);
  const isDir = await stat(options.codexHome).then(
    (info) => info.isDirectory(),
    () => false,
  );
  const path = isDir ? join(options.codexHome, "auth.json") : options.codexHome;
  // Before the login reader, whose "bad or missing: tokens" would not say what the file really is.
  await refuseCodexAgentIdentity(path);
  let login: Awaited<ReturnType<typeof readCodexAuthFile>>;
  try {
    login = await readCodexAuthFile(path);
  } catch (error) {
    if (OAuthError.isInstance(error) && error.code === "store_corrupt") {
      throw new OAuthError(
        "codex_auth_not_found",
        `${path} holds no usable ChatGPT login (API-key logins can't be imported).`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  if (!login) {
    throw new OAuthError(
      "codex_auth_not_found",
      `No Codex login at ${path}. Log in with Codex CLI first, or pass its folder (CODEX_HOME) or auth.json path.`,
    );
  }
  const claims = decodeLoginClaims({
    idToken: login.idToken,
    accessToken: login.accessToken,
    fallbackAccountId: login.accountId,
  });
  const verification = login.idToken
    ? await verifyIdTokenSignature({ idToken: login.idToken, issuer: options.issuer, fetch: options.fetch })
    : "unavailable";
  await options.store.set({ ...login, accountId: login.accountId ?? claims.accountId });
  print(`Imported the Codex CLI login from ${path}.`);
  print(CODEX_IMPORT_WARNING);
  return { ...claims, idTokenVerified: verification === "verified" };
}
