import { z } from "zod";

/** One ChatGPT login, as kept by a `TokenStore`. */
export interface StoredLogin {
  /** `null` only for a login seeded from environment tokens, until its first refresh. */
  idToken: string | null;
  accessToken: string;
  refreshToken: string;
  accountId: string | null;
  /** RFC 3339 time of the last login or refresh. */
  lastRefresh: string | null;
}

/**
 * The Codex CLI's `auth.json` layout. Unknown fields are accepted (newer Codex versions add some),
 * so a file written by either program can be read by the other.
 */
export const codexAuthFileSchema = z.looseObject({
  OPENAI_API_KEY: z.string().nullish(),
  tokens: z.looseObject({
    id_token: z.string().nullish(),
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    account_id: z.string().nullish(),
  }),
  last_refresh: z.string().nullish(),
});

/** The parsed Codex `auth.json`. */
export type CodexAuthFile = z.infer<typeof codexAuthFileSchema>;

/** Converts a parsed Codex `auth.json` into a {@link StoredLogin}. */
export function convertCodexAuthFileToLogin(file: CodexAuthFile): StoredLogin {
  return {
    idToken: file.tokens.id_token || null,
    accessToken: file.tokens.access_token,
    refreshToken: file.tokens.refresh_token,
    accountId: file.tokens.account_id ?? null,
    lastRefresh: file.last_refresh ?? null,
  };
}

/** Converts a login into the Codex `auth.json` layout. */
export function convertLoginToCodexAuthFile(login: StoredLogin): CodexAuthFile {
  return {
    OPENAI_API_KEY: null,
    tokens: {
      id_token: login.idToken,
      access_token: login.accessToken,
      refresh_token: login.refreshToken,
      account_id: login.accountId,
    },
    last_refresh: login.lastRefresh,
  };
}
