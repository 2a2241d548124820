import type { RecordedRequest } from "./recorded-request.js";

/** One request as the fake Codex backend received it, with who sent it and for which conversation. */
export interface CodexRecordedRequest extends RecordedRequest {
  /**
   * The `ChatGPT-Account-ID` header (trimmed), `null` when absent. On an `authorized` request it is the
   * access token's `chatgpt_account_id`.
   */
  accountId: string | null;
  /** True when the caller passed authorisation (valid, unexpired, unrevoked token of that account). */
  authorized: boolean;
  /** The `session-id` header (the prompt cache key, as the official client sends it), `null` when absent. */
  sessionId: string | null;
  /** The body's `prompt_cache_key`, `null` when absent or not a string. */
  promptCacheKey: string | null;
}

/** Adds the account and conversation of a request to its record. */
export function toCodexRecord(request: RecordedRequest, authorized: boolean): CodexRecordedRequest {
  const body = request.body;
  const key =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)["prompt_cache_key"] : null;
  return {
    ...request,
    accountId: request.headers["chatgpt-account-id"]?.trim() || null,
    authorized,
    sessionId: request.headers["session-id"] ?? null,
    promptCacheKey: typeof key === "string" ? key : null,
  };
}

/**
 * The accounts each conversation reached: for every authorised `POST …/responses` and
 * `…/responses/compact`, its `session-id` (else its `prompt_cache_key`) → the distinct account ids in the
 * order they first served it. Requests with neither key are left out.
 */
export function accountsBySession(requests: readonly CodexRecordedRequest[]): Map<string, string[]> {
  const sessions = new Map<string, string[]>();
  for (const request of requests) {
    if (!request?.authorized || request.method !== "POST" || !/\/responses(\/compact)?$/.test(request.path)) {
      continue;
    }
    const session = request.sessionId ?? request.promptCacheKey;
    if (session === null || request.accountId === null) continue;
    const accounts = sessions.get(session) ?? [];
    if (!accounts.includes(request.accountId)) accounts.push(request.accountId);
    sessions.set(session, accounts);
  }
  return sessions;
}
