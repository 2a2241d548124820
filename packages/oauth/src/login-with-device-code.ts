import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { completeLogin, type LoginFlowOptions, type LoginResult } from "./complete-login.js";
import { CODEX_CLIENT_ID, DEFAULT_ISSUER, getIssuerEndpoints } from "./constants.js";
import { DEFAULT_REQUEST_TIMEOUT_MS, parseJsonSafely, sendRequest } from "./http-request.js";
import { OAuthError } from "./oauth-errors.js";
import { exchangeAuthorizationCode } from "./token-exchange.js";
import { parseTokenEndpointError } from "./token-response-schema.js";

const userCodeResponseSchema = z.looseObject({
  device_auth_id: z.string().min(1),
  user_code: z.string().min(1).nullish(),
  usercode: z.string().min(1).nullish(),
  interval: z.union([z.string(), z.number()]).nullish(),
});

const approvedResponseSchema = z.looseObject({
  authorization_code: z.string().min(1),
  code_verifier: z.string().min(1),
});

/** What the user needs to approve a device login. */
export interface DeviceCodePrompt {
  verificationUrl: string;
  userCode: string;
  expiresAt: Date;
}

/** Options of {@link loginWithDeviceCode}. */
export interface DeviceCodeLoginOptions extends LoginFlowOptions {
  /** Called once the code is known (it is also printed). */
  onDeviceCode?: (prompt: DeviceCodePrompt) => void;
  /** How long the code stays valid; default 15 minutes, as upstream. */
  expiresInMs?: number;
  /**
   * Waits between polls, and may reject when `signal` aborts; default `setTimeout` of
   * `node:timers/promises`. Tests pass a fast one.
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

function parseIntervalMs(interval: string | number | null | undefined): number {
  const seconds = typeof interval === "number" ? interval : Number.parseFloat(interval ?? "");
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 5000;
}

/**
 * Logs in without a browser on this machine (SSH, containers): shows a URL and a code, polls until the
 * user approves, denies or the code expires (respecting the server's interval), then exchanges the
 * code with the verifier the server supplies. Throws `device_auth_disabled` when the account has device
 * login turned off.
 * @see https://www.rfc-editor.org/rfc/rfc8628
 */
export async function loginWithDeviceCode(options: DeviceCodeLoginOptions): Promise<LoginResult> {
  const print = options.print ?? (() => undefined);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const clientId = options.clientId ?? CODEX_CLIENT_ID;
  const endpoints = getIssuerEndpoints(options.issuer ?? DEFAULT_ISSUER);
  const fetchImpl = options.fetch ?? fetch;
  const json = { "content-type": "application/json", accept: "application/json" };

  const start = await sendRequest(fetchImpl, endpoints.deviceUserCode, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ client_id: clientId }),
    timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    what: "Requesting a device code",
    signal: options.signal,
  });
  if (start.status === 404 || start.status === 401 || start.status === 403) {
    throw new OAuthError(
      "device_auth_disabled",
      "Device login is not enabled for this account. Turn on device code login in ChatGPT's security settings, or log in with --paste.",
      { status: start.status },
    );
  }
  const started = userCodeResponseSchema.safeParse(parseJsonSafely(start.text));
  const userCode = started.success ? (started.data.user_code ?? started.data.usercode) : null;
  if (start.status !== 200 || !started.success || !userCode) {
    throw new OAuthError("token_exchange_failed", `Requesting a device code failed (HTTP ${start.status}).`, {
      status: start.status,
      retryable: start.status >= 500,
    });
  }
  const deviceAuthId = started.data.device_auth_id;
  let intervalMs = parseIntervalMs(started.data.interval);
  const deadline = now() + (options.expiresInMs ?? 15 * 60_000);
  const prompt = { verificationUrl: endpoints.devicePage, userCode, expiresAt: new Date(deadline) };
  print(`Open ${prompt.verificationUrl} in a browser and enter this code: ${userCode}`);
  print("Waiting for approval (the code expires in 15 minutes)...");
  options.onDeviceCode?.(prompt);

  for (;;) {
    await sleep(intervalMs, options.signal).catch((cause: unknown) => {
      if (!options.signal?.aborted) throw cause;
    });
    if (options.signal?.aborted) throw new OAuthError("cancelled", "The login was cancelled.");
    if (now() >= deadline) {
      throw new OAuthError(
        "device_code_expired",
        "The device code expired before it was approved; start again.",
      );
    }
    const poll = await sendRequest(fetchImpl, endpoints.deviceToken, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ device_auth_id: deviceAuthId, user_code: userCode }),
      timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      what: "Checking the device login",
      signal: options.signal,
    }).catch((error: unknown) => {
      if (OAuthError.isInstance(error) && error.retryable) return null;
      throw error;
    });
    if (!poll || poll.status === 403 || poll.status === 404 || poll.status === 429 || poll.status >= 500)
      continue;
    const body = parseJsonSafely(poll.text);
    if (poll.status === 200) {
      const approved = approvedResponseSchema.safeParse(body);
      if (!approved.success) {
        throw new OAuthError("token_exchange_failed", "The device login answer had no authorization code.");
      }
      const tokens = await exchangeAuthorizationCode({
        code: approved.data.authorization_code,
        codeVerifier: approved.data.code_verifier,
        redirectUri: endpoints.deviceRedirect,
        issuer: options.issuer,
        clientId,
        fetch: options.fetch,
        signal: options.signal,
      });
      return completeLogin(tokens, options);
    }
    const { code } = parseTokenEndpointError(body);
    if (code === "slow_down") {
      intervalMs += 5000;
      continue;
    }
    if (code === "authorization_pending") continue;
    if (code === "access_denied") throw new OAuthError("access_denied", "The device login was denied.");
    if (code === "expired_token" || poll.status === 410) {
      throw new OAuthError(
        "device_code_expired",
        "The device code expired before it was approved; start again.",
      );
    }
    throw new OAuthError(
      "token_exchange_failed",
      `The device login failed (HTTP ${poll.status}${code ? `, ${code}` : ""}).`,
      {
        status: poll.status,
      },
    );
  }
}
