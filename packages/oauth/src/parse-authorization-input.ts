/** What a pasted redirect carried. */
export interface AuthorizationInput {
  code: string | null;
  state: string | null;
  error: string | null;
  errorDescription: string | null;
}

/**
 * Reads a pasted login redirect: the full URL (`http://localhost:1455/auth/callback?code=…&state=…`),
 * its query string (`code=…&state=…`, with or without `?`), or `code#state`.
 */
export function parseAuthorizationInput(text: string): AuthorizationInput {
  const input = text.trim();
  const fromParams = (params: URLSearchParams): AuthorizationInput => ({
    code: params.get("code"),
    state: params.get("state"),
    error: params.get("error"),
    errorDescription: params.get("error_description"),
  });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    try {
      return fromParams(new URL(input).searchParams);
    } catch {
      return { code: null, state: null, error: null, errorDescription: null };
    }
  }
  if (input.includes("=")) return fromParams(new URLSearchParams(input.replace(/^\?/, "")));
  const [code, state] = input.split("#", 2);
  return { code: code || null, state: state || null, error: null, errorDescription: null };
}
