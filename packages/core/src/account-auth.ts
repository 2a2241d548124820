/**
 * The credentials of one ChatGPT account as the Codex backend takes them: the OAuth access token
 * (sent as `Authorization: Bearer`) and the `chatgpt-account-id` header value. The token manager of
 * `@cmp/oauth` hands them out; `@cmp/codex-client` and `@cmp/models` send them.
 */
export interface AccountAuth {
  accessToken: string;
  /** The ChatGPT account (workspace) id, or `null` when the login did not name one. */
  accountId: string | null;
}
