import { buildAuthorizeUrl, buildLoopbackRedirectUri } from "./authorize-url.js";
import { completeLogin, type LoginFlowOptions, type LoginResult } from "./complete-login.js";
import { DEFAULT_CALLBACK_PORT } from "./constants.js";
import { OAuthError } from "./oauth-errors.js";
import { parseAuthorizationInput } from "./parse-authorization-input.js";
import { createPkcePair, generateState } from "./pkce.js";
import { timingSafeEqualStrings } from "./timing-safe-equal.js";
import { exchangeAuthorizationCode } from "./token-exchange.js";

/** Options of {@link loginWithPastedRedirect}. */
export interface PastedRedirectLoginOptions extends LoginFlowOptions {
  /** Reads what the user pasted (one line). */
  readInput: () => Promise<string>;
  /** Port in the redirect URI; default 1455 (nothing listens on it in this flow). */
  port?: number;
  originator?: string;
  onAuthorizeUrl?: (url: string) => void;
}

/**
 * Logs in from a machine whose browser cannot reach this one: prints the authorize URL, then takes
 * the address the browser ended on (it fails to load; that's expected), checks `state` and exchanges
 * the code.
 */
export async function loginWithPastedRedirect(options: PastedRedirectLoginOptions): Promise<LoginResult> {
  const print = options.print ?? (() => undefined);
  const pkce = createPkcePair();
  const state = generateState();
  const redirectUri = buildLoopbackRedirectUri(options.port ?? DEFAULT_CALLBACK_PORT);
  const url = buildAuthorizeUrl({
    redirectUri,
    codeChallenge: pkce.challenge,
    state,
    issuer: options.issuer,
    clientId: options.clientId,
    originator: options.originator,
  });
  print("Open this URL in a browser on any machine and log in with ChatGPT:");
  print(url);
  options.onAuthorizeUrl?.(url);
  print("The browser then fails to load a localhost page. Copy its full address and paste it here:");
  const pasted = parseAuthorizationInput(await options.readInput());
  if (pasted.error === "access_denied") {
    throw new OAuthError("access_denied", "The login was declined in the browser (access_denied).");
  }
  if (pasted.error)
    throw new OAuthError("token_exchange_failed", `The login failed in the browser (${pasted.error}).`);
  if (!pasted.code) {
    throw new OAuthError("invalid_input", "No login code found; paste the whole address from the browser.");
  }
  if (!pasted.state || !timingSafeEqualStrings(pasted.state, state)) {
    throw new OAuthError(
      "state_mismatch",
      "The pasted address belongs to another login attempt (state mismatch); use the URL printed above.",
    );
  }
  const tokens = await exchangeAuthorizationCode({
    code: pasted.code,
    codeVerifier: pkce.verifier,
    redirectUri,
    issuer: options.issuer,
    clientId: options.clientId,
    fetch: options.fetch,
    signal: options.signal,
  });
  return completeLogin(tokens, options);
}
