import { decodeJwt } from "jose";
import { tokenRevokedReply } from "./account-refusals.js";
import type { ErrorReply } from "./codex-validation.js";
import type { FakeAuthServer } from "./fake-auth-server.js";
import { OPENAI_AUTH_CLAIM, readAccountId } from "./token-claims.js";

/** Who a request was authorised as. */
export interface CodexCaller {
  accountId: string;
  planType: string;
}

function unauthorized(body: unknown): ErrorReply {
  return { status: 401, body };
}

function readPlan(payload: Record<string, unknown>): string {
  const auth = payload[OPENAI_AUTH_CLAIM];
  if (typeof auth === "object" && auth !== null && "chatgpt_plan_type" in auth) {
    const plan = auth.chatgpt_plan_type;
    if (typeof plan === "string") return plan;
  }
  return "pro";
}

function decodeOrNull(token: string): Record<string, unknown> | null {
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}

/**
 * Checks `Authorization: Bearer` and `ChatGPT-Account-ID`. With an auth server the JWT must verify against its
 * key, not be expired and not be revoked (`revokeAccount`: 401 `token_revoked`), and the account header must equal the token's `chatgpt_account_id`; without one any
 * non-empty bearer passes (the account must still match when the bearer is a JWT carrying one).
 */
export async function checkCodexCaller(
  headers: Record<string, string>,
  auth: FakeAuthServer | undefined,
): Promise<{ caller: CodexCaller; error: null } | { caller: null; error: ErrorReply }> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers["authorization"] ?? "");
  const token = match?.[1];
  if (!token) return { caller: null, error: unauthorized({ detail: "Unauthorized" }) };
  let payload: Record<string, unknown> | null;
  if (auth) {
    const checked = await auth.checkAccessToken(token);
    if (checked.claims === null) {
      if (checked.reason === "revoked") return { caller: null, error: tokenRevokedReply() };
      const error =
        checked.reason === "expired"
          ? unauthorized({
              error: {
                message: "Provided authentication token is expired. Please try signing in again.",
                type: null,
                code: "token_expired",
                param: null,
              },
              status: 401,
            })
          : unauthorized({
              detail: "Could not parse your authentication token. Please try signing in again.",
            });
      return { caller: null, error };
    }
    payload = checked.claims;
  } else {
    payload = decodeOrNull(token);
  }
  const header = headers["chatgpt-account-id"]?.trim();
  const tokenAccount = payload ? readAccountId(payload) : null;
  if (!header) {
    return { caller: null, error: unauthorized({ detail: "Missing ChatGPT-Account-ID header" }) };
  }
  if ((auth && tokenAccount === null) || (tokenAccount !== null && tokenAccount !== header)) {
    return { caller: null, error: unauthorized({ detail: "ChatGPT-Account-ID does not match the token" }) };
  }
  return { caller: { accountId: header, planType: payload ? readPlan(payload) : "pro" }, error: null };
}
