import { randomUUID } from "node:crypto";
import type { JWTPayload } from "jose";

/** The namespace object that holds the ChatGPT claims in both tokens. */
export const OPENAI_AUTH_CLAIM = "https://api.openai.com/auth";
/** The namespace object that holds the profile claims. */
export const OPENAI_PROFILE_CLAIM = "https://api.openai.com/profile";

/** The ChatGPT account a fake login belongs to. */
export interface FakeAccount {
  /** `chatgpt_account_id`; default `acc_test`. */
  accountId: string;
  /** `chatgpt_plan_type`; default `pro`. */
  planType: string;
  /** `email`; default `user@example.com`. */
  email: string;
  /** `chatgpt_user_id`; default `user-test`. */
  userId: string;
}

/** The default account of every fake login. */
export const DEFAULT_FAKE_ACCOUNT: FakeAccount = {
  accountId: "acc_test",
  planType: "pro",
  email: "user@example.com",
  userId: "user-test",
};

/** Inputs for one pair of tokens. */
export interface ClaimsInput {
  account: FakeAccount;
  issuer: string;
  clientId: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  accessTokenTtlSeconds: number;
  /** Extra top-level claims merged into both tokens (wins over defaults). */
  extraClaims?: Record<string, unknown>;
}

/** The profile claims both tokens carry under {@link OPENAI_PROFILE_CLAIM}. */
function profileClaims(account: FakeAccount): Record<string, unknown> {
  return { email: account.email, email_verified: true };
}

/** The ChatGPT account claims both tokens carry under {@link OPENAI_AUTH_CLAIM}. */
function accountClaims(account: FakeAccount): Record<string, unknown> {
  return {
    chatgpt_account_id: account.accountId,
    chatgpt_plan_type: account.planType,
    chatgpt_user_id: account.userId,
    user_id: account.userId,
  };
}

/**
 * Builds the id_token payload with the claim layout of auth.openai.com.
 * @see [openai/codex `codex-rs/login/src/token_data.rs`](https://github.com/openai/codex/blob/main/codex-rs/login/src/token_data.rs)
 */
export function buildIdTokenClaims(input: ClaimsInput): JWTPayload {
  const { account, issuedAt } = input;
  return {
    iss: input.issuer,
    aud: [input.clientId],
    sub: `auth0|${account.userId}`,
    email: account.email,
    email_verified: true,
    iat: issuedAt,
    auth_time: issuedAt,
    exp: issuedAt + 3600,
    jti: randomUUID(),
    sid: randomUUID(),
    auth_provider: "password",
    [OPENAI_PROFILE_CLAIM]: profileClaims(account),
    [OPENAI_AUTH_CLAIM]: {
      ...accountClaims(account),
      chatgpt_subscription_active_start: new Date((issuedAt - 86_400) * 1000).toISOString(),
      chatgpt_subscription_active_until: new Date((issuedAt + 30 * 86_400) * 1000).toISOString(),
      chatgpt_subscription_last_checked: new Date(issuedAt * 1000).toISOString(),
      groups: [],
      organizations: [{ id: "org-test", is_default: true, role: "owner", title: "Personal" }],
    },
    ...input.extraClaims,
  };
}

/** Builds the access_token payload (ChatGPT claims, `exp` from the configured lifetime). */
export function buildAccessTokenClaims(input: ClaimsInput): JWTPayload {
  const { account, issuedAt } = input;
  return {
    iss: input.issuer,
    aud: ["https://api.openai.com/v1"],
    sub: `auth0|${account.userId}`,
    client_id: input.clientId,
    iat: issuedAt,
    nbf: issuedAt,
    exp: issuedAt + input.accessTokenTtlSeconds,
    jti: randomUUID(),
    scp: ["openid", "profile", "email", "offline_access"],
    session_id: `authsess_${randomUUID()}`,
    [OPENAI_PROFILE_CLAIM]: profileClaims(account),
    [OPENAI_AUTH_CLAIM]: accountClaims(account),
    ...input.extraClaims,
  };
}

/** Reads `chatgpt_account_id` from a verified payload, if present. */
export function readAccountId(payload: JWTPayload): string | null {
  const auth = payload[OPENAI_AUTH_CLAIM];
  if (typeof auth !== "object" || auth === null || !("chatgpt_account_id" in auth)) return null;
  const id = auth.chatgpt_account_id;
  return typeof id === "string" ? id : null;
}
