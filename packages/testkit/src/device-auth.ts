import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FakeAuthConfig } from "./auth-config.js";
import { sendJson } from "./loopback-server.js";
import { computeS256Challenge, safeEqual } from "./pkce.js";
import type { RecordedRequest } from "./recorded-request.js";
import type { AuthCounters, PendingCode } from "./token-endpoint.js";

const DEVICE_CODE_TTL_MS = 15 * 60 * 1000;

/** A device login waiting for the user. */
interface DeviceLogin {
  deviceAuthId: string;
  userCode: string;
  status: "pending" | "approved" | "denied";
  polls: number;
  createdAt: number;
  authorizationCode: string | null;
  codeVerifier: string;
}

/** What the device endpoints need from the server. */
export interface DeviceAuthContext {
  config: FakeAuthConfig;
  clientId: string;
  codes: Map<string, PendingCode>;
  counters: AuthCounters;
  now: () => number;
  /** `{issuer}/deviceauth/callback`, the redirect_uri of the code exchange. */
  callbackUrl: string;
}

function readString(body: unknown, name: string): string | undefined {
  if (typeof body !== "object" || body === null || !(name in body)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

function newUserCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

/**
 * The device-code flow of auth.openai.com: usercode, polling, approval.
 * @see [openai/codex `codex-rs/login/src/device_code_auth.rs`](https://github.com/openai/codex/blob/main/codex-rs/login/src/device_code_auth.rs)
 */
export class DeviceAuth {
  private readonly logins = new Map<string, DeviceLogin>();

  constructor(private readonly ctx: DeviceAuthContext) {}

  /** `POST /api/accounts/deviceauth/usercode`. */
  handleUserCode(request: RecordedRequest, res: ServerResponse): void {
    if (this.ctx.config.deviceAuth === "disabled") {
      sendJson(res, 404, { detail: "Not Found" });
      return;
    }
    const clientId = readString(request.body, "client_id");
    if (!clientId || !safeEqual(clientId, this.ctx.clientId)) {
      sendJson(res, 400, {
        error: { message: "Invalid client_id", type: "invalid_request_error", code: null },
      });
      return;
    }
    const login: DeviceLogin = {
      deviceAuthId: `deviceauth_${randomBytes(12).toString("hex")}`,
      userCode: newUserCode(),
      status: "pending",
      polls: 0,
      createdAt: this.ctx.now(),
      authorizationCode: null,
      codeVerifier: randomBytes(64).toString("base64url"),
    };
    this.logins.set(login.deviceAuthId, login);
    this.ctx.counters.deviceCodes += 1;
    sendJson(res, 200, {
      device_auth_id: login.deviceAuthId,
      user_code: login.userCode,
      interval: String(this.ctx.config.deviceIntervalSeconds),
      expires_at: new Date(login.createdAt + DEVICE_CODE_TTL_MS).toISOString(),
    });
  }

  /** `POST /api/accounts/deviceauth/token`: 403 while pending, then the code and the server-made verifier. */
  handlePoll(request: RecordedRequest, res: ServerResponse): void {
    this.ctx.counters.devicePolls += 1;
    const id = readString(request.body, "device_auth_id");
    const userCode = readString(request.body, "user_code");
    const login = id ? this.logins.get(id) : undefined;
    if (!login || !userCode || !safeEqual(login.userCode, userCode)) {
      sendJson(res, 404, {
        error: { message: "Unknown device authorization", code: "deviceauth_not_found" },
      });
      return;
    }
    login.polls += 1;
    if (this.ctx.now() - login.createdAt > DEVICE_CODE_TTL_MS) {
      sendJson(res, 410, { error: { message: "The device code has expired", code: "expired_token" } });
      return;
    }
    const autoAfter = this.ctx.config.deviceAutoApproveAfterPolls;
    if (login.status === "pending" && autoAfter !== null && login.polls >= autoAfter)
      this.approveLogin(login);
    if (login.status === "denied") {
      sendJson(res, 400, { error: { message: "The user denied the request", code: "access_denied" } });
      return;
    }
    if (login.status === "pending" || login.authorizationCode === null) {
      sendJson(res, 403, {
        error: { message: "Authorization pending", code: "deviceauth_authorization_pending" },
      });
      return;
    }
    sendJson(res, 200, {
      authorization_code: login.authorizationCode,
      code_challenge: computeS256Challenge(login.codeVerifier),
      code_verifier: login.codeVerifier,
    });
  }

  /** Approves or denies a pending login by user code; false if no pending login has that code. */
  decide(userCode: string, decision: "approved" | "denied"): boolean {
    const wanted = userCode.trim().toUpperCase();
    for (const login of this.logins.values()) {
      if (login.status !== "pending" || !safeEqual(login.userCode, wanted)) continue;
      if (decision === "approved") this.approveLogin(login);
      else login.status = "denied";
      return true;
    }
    return false;
  }

  /** User codes still waiting for a decision. */
  pendingUserCodes(): string[] {
    return [...this.logins.values()].filter((l) => l.status === "pending").map((l) => l.userCode);
  }

  private approveLogin(login: DeviceLogin): void {
    const code = `ac_${randomBytes(24).toString("base64url")}`;
    this.ctx.codes.set(code, {
      clientId: this.ctx.clientId,
      redirectUri: this.ctx.callbackUrl,
      codeChallenge: computeS256Challenge(login.codeVerifier),
      account: { ...this.ctx.config.account },
      expiresAt: this.ctx.now() + 10 * 60 * 1000,
      used: false,
    });
    login.authorizationCode = code;
    login.status = "approved";
  }
}
