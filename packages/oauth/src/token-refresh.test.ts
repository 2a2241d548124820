import { describe, expect, it } from "vitest";
import { buildRefreshRequest, processRefreshResponse } from "./token-refresh.js";
import { parseTokenEndpointError } from "./token-response-schema.js";

describe("refresh grant", () => {
  it("sends the Codex CLI's JSON body with our originator", () => {
    const { url, init } = buildRefreshRequest({
      refreshToken: "rt",
      issuer: "http://127.0.0.1:1",
      originator: "o",
    });
    expect(url).toBe("http://127.0.0.1:1/oauth/token");
    expect(JSON.parse(String(init.body))).toEqual({
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      grant_type: "refresh_token",
      refresh_token: "rt",
    });
    expect(init.headers).toMatchObject({ "content-type": "application/json", originator: "o" });
  });

  it("treats reused, expired and invalidated refresh tokens and any 401 as terminal", () => {
    for (const code of ["refresh_token_reused", "refresh_token_expired", "refresh_token_invalidated"]) {
      const body = JSON.stringify({ error: { code, message: "x" } });
      expect(processRefreshResponse(400, body)).toMatchObject({
        ok: false,
        reason: "reauth_required",
        errorCode: code,
      });
    }
    expect(processRefreshResponse(401, "<html>")).toMatchObject({
      ok: false,
      reason: "reauth_required",
      status: 401,
    });
    expect(processRefreshResponse(400, JSON.stringify({ error: "invalid_grant" }))).toMatchObject({
      reason: "reauth_required",
    });
  });

  it("keeps server errors, rate limits and odd bodies retryable", () => {
    for (const status of [500, 503, 429, 403]) {
      const result = processRefreshResponse(status, "oops");
      expect(result).toMatchObject({ ok: false, reason: "transient" });
    }
    expect(processRefreshResponse(200, "{}")).toMatchObject({ ok: false, reason: "transient" });
  });

  it("keeps fields the answer leaves out", () => {
    expect(processRefreshResponse(200, JSON.stringify({ access_token: "at" }))).toEqual({
      ok: true,
      idToken: null,
      accessToken: "at",
      refreshToken: null,
    });
  });

  it("reads all three error body shapes", () => {
    expect(parseTokenEndpointError({ error: "invalid_grant", error_description: "d" })).toEqual({
      code: "invalid_grant",
      description: "d",
    });
    expect(parseTokenEndpointError({ error: { code: "c", message: "m" } })).toEqual({
      code: "c",
      description: "m",
    });
    expect(parseTokenEndpointError({ code: "c" })).toEqual({ code: "c", description: null });
    expect(parseTokenEndpointError("nope")).toEqual({ code: null, description: null });
  });
});
