import { decodeJwt } from "jose/jwt/decode";
import { z } from "zod";
import { OAuthError } from "./oauth-errors.js";

const authNamespace = "https://api.openai.com/auth";
const profileNamespace = "https://api.openai.com/profile";

const authClaimsSchema = z.looseObject({
  chatgpt_account_id: z.string().min(1).nullish(),
  chatgpt_plan_type: z.string().nullish(),
  chatgpt_user_id: z.string().nullish(),
  user_id: z.string().nullish(),
});

const jwtClaimsSchema = z.looseObject({
  exp: z.number().nullish(),
  iat: z.number().nullish(),
  email: z.string().nullish(),
  [authNamespace]: authClaimsSchema.nullish(),
  [profileNamespace]: z.looseObject({ email: z.string().nullish() }).nullish(),
});

type JwtClaims = z.infer<typeof jwtClaimsSchema>;

/** What the proxy needs from a login's tokens. */
export interface LoginClaims {
  /** Sent upstream as `ChatGPT-Account-ID`. */
  accountId: string;
  /** `free`, `plus`, `pro`, `team`, …; `null` when the tokens don't say. */
  plan: string | null;
  email: string | null;
  /** From the access token's `exp`. */
  expiresAt: Date;
  /** From the access token's `iat`, when it has one. With `expiresAt`, the token's lifetime. */
  issuedAt?: Date | undefined;
}

function decodeClaims(token: string, label: string): JwtClaims {
  let payload: unknown;
  try {
    payload = decodeJwt(token);
  } catch (cause) {
    throw new OAuthError("invalid_token", `The ${label} is not a readable JWT.`, { cause });
  }
  const parsed = jwtClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    throw new OAuthError("invalid_token", `The ${label} has claims of the wrong type.`);
  }
  return parsed.data;
}

/**
 * Reads account id, plan, email and expiry from a login's tokens (payload only; see
 * `verifyIdTokenSignature` for the signature). The account id comes from the id_token, then the
 * access token, then `fallbackAccountId` (the stored `account_id`); plan prefers the access token, as
 * the backend does. Throws `invalid_token` when the access token has no `exp` or no account id is
 * found anywhere: a token without these claims is never trusted.
 */
export function decodeLoginClaims(tokens: {
  idToken: string | null;
  accessToken: string;
  fallbackAccountId?: string | null;
}): LoginClaims {
  const access = decodeClaims(tokens.accessToken, "access token");
  const id = tokens.idToken ? decodeClaims(tokens.idToken, "id token") : null;
  const accountId =
    id?.[authNamespace]?.chatgpt_account_id ??
    access[authNamespace]?.chatgpt_account_id ??
    tokens.fallbackAccountId ??
    null;
  if (!accountId) {
    throw new OAuthError("invalid_token", "The login's tokens carry no ChatGPT account id.");
  }
  if (typeof access.exp !== "number") {
    throw new OAuthError("invalid_token", "The access token has no expiry (exp) claim.");
  }
  return {
    accountId,
    plan: access[authNamespace]?.chatgpt_plan_type ?? id?.[authNamespace]?.chatgpt_plan_type ?? null,
    email: id?.email ?? id?.[profileNamespace]?.email ?? access[profileNamespace]?.email ?? null,
    expiresAt: new Date(access.exp * 1000),
    issuedAt: typeof access.iat === "number" ? new Date(access.iat * 1000) : undefined,
  };
}
