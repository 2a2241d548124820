import { z } from "zod";

/** Success body of `/oauth/token`. Refresh answers may leave fields out; keep the old ones then. */
export const tokenResponseSchema = z.looseObject({
  id_token: z.string().min(1).nullish(),
  access_token: z.string().min(1).nullish(),
  refresh_token: z.string().min(1).nullish(),
  expires_in: z.number().nullish(),
  token_type: z.string().nullish(),
});

/** A parsed `/oauth/token` success body. */
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

const nestedErrorSchema = z.object({
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }),
});
const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().nullish() });
const topLevelCodeSchema = z.object({ code: z.string(), message: z.string().nullish() });

/** The error code and description of a token endpoint error, in any of the shapes it uses. */
export interface TokenEndpointError {
  code: string | null;
  description: string | null;
}

/**
 * Reads `{"error":"…","error_description":"…"}`, `{"error":{"code","message"}}` or a top-level `code`.
 * The description is kept short and is never a token: the auth server does not echo them.
 */
export function parseTokenEndpointError(json: unknown): TokenEndpointError {
  const nested = nestedErrorSchema.safeParse(json);
  if (nested.success)
    return { code: nested.data.error.code ?? null, description: nested.data.error.message ?? null };
  const oauth = oauthErrorSchema.safeParse(json);
  if (oauth.success) return { code: oauth.data.error, description: oauth.data.error_description ?? null };
  const topLevel = topLevelCodeSchema.safeParse(json);
  if (topLevel.success) return { code: topLevel.data.code, description: topLevel.data.message ?? null };
  return { code: null, description: null };
}

/** Refresh error codes after which only a new login helps. */
export const terminalRefreshErrorCodes: ReadonlySet<string> = new Set([
  "refresh_token_expired",
  "refresh_token_reused",
  "refresh_token_invalidated",
  "invalid_grant",
]);
