import type { FakeTokenSet } from "../token-issuer.js";

/** A ChatGPT login as a pool test holds it: its tokens and the account id it sends. */
export interface PoolLogin {
  accountId: string;
  tokens: Pick<FakeTokenSet, "access_token">;
}

/** A valid `POST /responses` body (test helper, not exported from the package). */
export function responsesBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: "gpt-5.4",
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Say hi" }] }],
    store: false,
    stream: true,
    ...overrides,
  };
}

/** The headers the official client sends for one account (and conversation, when given). */
export function accountHeaders(login: PoolLogin, sessionId?: string): Record<string, string> {
  return {
    authorization: `Bearer ${login.tokens.access_token}`,
    "chatgpt-account-id": login.accountId,
    "content-type": "application/json",
    ...(sessionId === undefined ? {} : { "session-id": sessionId }),
  };
}

/** Sends `POST {baseUrl}/responses` as `login` and reads the whole answer. */
export async function postResponses(
  baseUrl: string,
  login: PoolLogin,
  options: { sessionId?: string; body?: Record<string, unknown>; path?: string } = {},
): Promise<{ res: Response; text: string }> {
  const res = await fetch(`${baseUrl}${options.path ?? "/responses"}`, {
    method: "POST",
    headers: accountHeaders(login, options.sessionId),
    body: JSON.stringify(options.body ?? responsesBody()),
  });
  return { res, text: await res.text() };
}
