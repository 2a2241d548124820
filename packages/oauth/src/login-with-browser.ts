import { buildAuthorizeUrl } from "./authorize-url.js";
import { startCallbackServer } from "./callback-server.js";
import { completeLogin, type LoginFlowOptions, type LoginResult } from "./complete-login.js";
import { CODEX_CLIENT_ID, DEFAULT_CALLBACK_PORT, FALLBACK_CALLBACK_PORT } from "./constants.js";
import { createPkcePair, generateState } from "./pkce.js";
import { exchangeAuthorizationCode } from "./token-exchange.js";

/** Options of {@link loginWithBrowser}. */
export interface BrowserLoginOptions extends LoginFlowOptions {
  /** Callback port; default 1455. */
  port?: number;
  /** Tried when `port` stays busy. Default: 1457 when `port` is the default 1455, otherwise none. */
  fallbackPort?: number | null;
  /** Opens the URL in a browser; default the `open` package. Failures are reported, not fatal. */
  openBrowser?: (url: string) => Promise<void>;
  /** How long to wait for the browser; default 10 minutes. */
  timeoutMs?: number;
  /** Sent as `originator`; default `chatgpt_max_proxy`. */
  originator?: string;
  /** Called with the authorize URL once the callback server listens (it is also printed). */
  onAuthorizeUrl?: (url: string) => void;
  bindRetryDelayMs?: number;
}

async function openWithSystemBrowser(url: string): Promise<void> {
  // Imported here: `open` and its platform probes are only needed by a browser login.
  const { default: open } = await import("open");
  await open(url);
}

/**
 * Logs in through the browser: starts the loopback callback server, prints the authorize URL and
 * opens it, then exchanges the code (PKCE S256) and stores the login.
 */
export async function loginWithBrowser(options: BrowserLoginOptions): Promise<LoginResult> {
  const print = options.print ?? (() => undefined);
  const port = options.port ?? DEFAULT_CALLBACK_PORT;
  const fallbackPort =
    options.fallbackPort !== undefined
      ? options.fallbackPort
      : port === DEFAULT_CALLBACK_PORT
        ? FALLBACK_CALLBACK_PORT
        : null;
  const pkce = createPkcePair();
  const state = generateState();
  let result: LoginResult | undefined;

  const server = await startCallbackServer({
    port,
    fallbackPort,
    expectedState: state,
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    signal: options.signal,
    bindRetryDelayMs: options.bindRetryDelayMs,
    onCode: async (code, redirectUri) => {
      const tokens = await exchangeAuthorizationCode({
        code,
        codeVerifier: pkce.verifier,
        redirectUri,
        issuer: options.issuer,
        clientId: options.clientId ?? CODEX_CLIENT_ID,
        fetch: options.fetch,
        signal: options.signal,
      });
      result = await completeLogin(tokens, options);
    },
  });

  const url = buildAuthorizeUrl({
    redirectUri: server.redirectUri,
    codeChallenge: pkce.challenge,
    state,
    issuer: options.issuer,
    clientId: options.clientId,
    originator: options.originator,
  });
  print("Open this URL in a browser to log in with ChatGPT:");
  print(url);
  options.onAuthorizeUrl?.(url);
  // Not awaited: a browser opener that hangs must neither hold up nor outlive the login.
  const openBrowser = options.openBrowser ?? openWithSystemBrowser;
  Promise.resolve()
    .then(() => openBrowser(url))
    .catch(() => {
      if (!result) print("Could not open a browser; open the URL above by hand.");
    });
  await server.done;
  if (!result) throw new Error("unreachable: the callback server finished without a login");
  return result;
}
