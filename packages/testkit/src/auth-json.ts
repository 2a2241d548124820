import { join } from "node:path";
import { writeFileAtomically } from "@cmp/core";
import { decodeJwt } from "jose";
import { readAccountId } from "./token-claims.js";

/** The tokens `writeAuthJson` stores (the token endpoint's body fits). */
export interface AuthJsonTokens {
  id_token: string;
  access_token: string;
  refresh_token: string;
  /** Default: `chatgpt_account_id` from the id_token. */
  account_id?: string | null;
}

/** The Codex CLI `auth.json` layout. */
export interface AuthJsonFile {
  OPENAI_API_KEY: null;
  tokens: { id_token: string; access_token: string; refresh_token: string; account_id: string | null };
  last_refresh: string;
}

/** Builds the Codex-style `auth.json` object for a fresh login. */
export function buildAuthJson(tokens: AuthJsonTokens, lastRefresh: Date = new Date()): AuthJsonFile {
  let accountId = tokens.account_id;
  if (accountId === undefined) {
    try {
      accountId = readAccountId(decodeJwt(tokens.id_token));
    } catch {
      accountId = null;
    }
  }
  return {
    OPENAI_API_KEY: null,
    tokens: {
      id_token: tokens.id_token,
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      account_id: accountId,
    },
    last_refresh: lastRefresh.toISOString(),
  };
}

/**
 * Writes `<dir>/auth.json` (mode 0600, atomically) in the Codex CLI layout, so a server under test starts
 * logged in. Creates `dir` (mode 0700) if needed and returns the file path.
 */
export async function writeAuthJson(
  dir: string,
  tokens: AuthJsonTokens,
  options: { lastRefresh?: Date } = {},
): Promise<string> {
  return writeAuthJsonFile(join(dir, "auth.json"), tokens, options);
}

/**
 * Writes a Codex-layout `auth.json` to exactly `path` (any file name, mode 0600, atomically), e.g. one
 * file per account of a pool. Creates the folder (mode 0700) if needed and returns `path`.
 */
export async function writeAuthJsonFile(
  path: string,
  tokens: AuthJsonTokens,
  options: { lastRefresh?: Date } = {},
): Promise<string> {
  // Temp file, fsync, rename: a server under test never reads half a file.
  await writeFileAtomically(path, `${JSON.stringify(buildAuthJson(tokens, options.lastRefresh), null, 2)}\n`);
  return path;
}
