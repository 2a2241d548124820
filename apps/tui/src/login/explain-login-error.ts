import type { LoginMethod } from "./login-driver.js";

/** A failed login in plain words: what happened and what to do next. */
export interface LoginProblem {
  message: string;
  hint: string;
}

// Anything token-shaped (JWTs, long base64url runs) is cut out before a message reaches the screen.
const secretPattern = /eyJ[\w-]+\.[\w-]+(\.[\w-]+)?|[A-Za-z0-9_-]{32,}/g;

/** Removes token-like strings from a message. */
export function redactSecrets(text: string): string {
  return text.replace(secretPattern, "[redacted]");
}

function codeOf(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("code" in error)) return null;
  const { code } = error as { code: unknown };
  return typeof code === "string" ? code : null;
}

/** Turns an error from a login flow into a message and a next step, without any secrets. */
export function explainLoginError(
  error: unknown,
  method: LoginMethod,
  context: { codexHome: string },
): LoginProblem {
  const code = codeOf(error)?.toLowerCase() ?? null;
  const raw = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "access_denied":
      return { message: "The login was declined in the browser.", hint: "Press enter and try again." };
    case "timeout":
    case "expired_token":
    case "device_code_expired":
      return {
        message: "The login took too long and expired.",
        hint: "Press enter and start again; finish the steps within 15 minutes.",
      };
    case "device_auth_disabled":
      return {
        message: "Device-code login is turned off for this account.",
        hint: "Turn on device code login in ChatGPT → Settings → Security, or use Paste redirect URL instead.",
      };
    case "state_mismatch":
      return {
        message: "The pasted URL belongs to a different login attempt.",
        hint: "Copy the address from the browser tab this attempt opened, then paste it again.",
      };
    case "cancelled":
      return { message: "The login was cancelled.", hint: "Pick a method to start again." };
    case "invalid_input":
      return {
        message: "That does not look like the redirect URL.",
        hint: "Paste the whole address of the page the browser landed on (it starts with http://localhost:1455/auth/callback?code=).",
      };
    case "port_in_use":
      return {
        message: "The local callback port is busy.",
        hint: "Close the other login (or Codex CLI), or use Device code / Paste redirect URL instead.",
      };
    case "codex_auth_not_found":
      return {
        message: raw ? redactSecrets(raw) : `No Codex CLI login found in ${context.codexHome}.`,
        hint: "Run `codex login` first, or set CODEX_HOME to the folder holding its auth.json.",
      };
    case "codex_agent_identity":
      return {
        message:
          "That Codex login is an agent identity (signed AgentAssertion requests), not a ChatGPT login.",
        hint: "Log this proxy in with its own ChatGPT login: Browser, Device code or Paste redirect URL.",
      };
    case "duplicate_account":
      // @cmp/oauth's words name the account that already holds this ChatGPT login.
      return {
        message: raw ? redactSecrets(raw) : "This ChatGPT account is already logged in under another name.",
        hint: "Log in with a different ChatGPT account, or remove the other login first.",
      };
    case "store_write_failed":
      return {
        message: "The login worked but could not be saved.",
        hint: "Check that CMP_HOME is writable by you, then log in again.",
      };
    case "store_corrupt":
      return {
        message:
          method === "import"
            ? "The Codex CLI's auth.json cannot be read."
            : "The stored login file is damaged.",
        hint: "Log in again with another method; the file will be rewritten.",
      };
    case "refresh_failed":
    case "reauth_required":
    case "token_exchange_failed":
    case "invalid_token":
      return {
        message: raw ? redactSecrets(raw) : "The sign-in server refused the login.",
        hint: "Press enter and log in again from the start; if it keeps failing, check CMP_AUTH_ISSUER and your connection.",
      };
    default:
      return {
        message: redactSecrets(raw) || "The login failed.",
        hint:
          method === "browser"
            ? "Press enter and try again; over SSH or without a local browser, use Device code or Paste."
            : "Press enter and try again.",
      };
  }
}
