/** Codes the token endpoint uses to refuse a refresh token permanently. */
export type RefreshRefusal = "refresh_token_reused" | "refresh_token_expired" | "refresh_token_invalidated";

const refusalMessages: Record<RefreshRefusal, string> = {
  refresh_token_reused:
    "Your refresh token has already been used to generate a new access token. Please try signing in again.",
  refresh_token_expired: "Your refresh token has expired. Please try signing in again.",
  refresh_token_invalidated: "Your refresh token has been invalidated. Please try signing in again.",
};

/**
 * The 401 body auth.openai.com sends when a refresh token can no longer be used.
 * @see [openai/codex `codex-rs/login/src/auth/manager.rs`](https://github.com/openai/codex/blob/main/codex-rs/login/src/auth/manager.rs)
 */
export function refreshRefusalBody(code: RefreshRefusal): unknown {
  return { error: { message: refusalMessages[code], type: "invalid_request_error", param: null, code } };
}

/** An OAuth-style error body (`{"error","error_description"}`). */
export function oauthErrorBody(error: string, description: string): unknown {
  return { error, error_description: description };
}

/** The Cloudflare-style HTML page a blocked request gets. */
export const CLOUDFLARE_BLOCK_HTML = `<!DOCTYPE html>
<html lang="en-US"><head><title>Attention Required! | Cloudflare</title>
<meta charset="UTF-8" /></head>
<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>
<h2>You are unable to access chatgpt.com</h2>
<p>This website is using a security service to protect itself from online attacks.</p>
<p>Cloudflare Ray ID: <strong>8f00000000000000</strong></p></div></body></html>
`;

/** Headers Cloudflare adds to a block page. */
export const CLOUDFLARE_HEADERS: Record<string, string> = {
  server: "cloudflare",
  "cf-ray": "8f00000000000000-FRA",
  "cache-control": "private, max-age=0, no-store, no-cache, must-revalidate",
};
