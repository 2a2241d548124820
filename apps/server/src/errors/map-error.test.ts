import { CodexHttpError } from "@cmp/codex-client";
import { OAuthError } from "@cmp/oauth";
import { OpenAIHttpError } from "@cmp/transform";
import { describe, expect, it } from "vitest";
import { toHttpError, withoutLocalPaths } from "./map-error.js";

describe("login errors sent to API clients", () => {
  it("name the login file without revealing where the data folder is", () => {
    const error = new OAuthError(
      "store_corrupt",
      "The login file /home/alice/.cmp/auth.json is not valid JSON; move it aside and log in again.",
    );
    const api = toHttpError(error);
    expect(api.status).toBe(401);
    expect(api.message).toContain("auth.json");
    expect(api.message).not.toContain("/home/alice");
  });

  // Regression (issue 14, attack run): the client message said "can no longer be refreshed" and named
  // the login command twice, because the token manager's message was wrapped in the same words again.
  it("say once that the login can no longer be refreshed, and once what to run", () => {
    const error = new OAuthError(
      "reauth_required",
      "The ChatGPT login can no longer be refreshed (refresh_token_reused); run `cmp-server login` (or `pnpm tui`).",
    );
    const api = toHttpError(error);
    expect(api.code).toBe("reauth_required");
    expect(api.message.match(/can no longer be refreshed/g)).toHaveLength(1);
    expect(api.message.match(/cmp-server login/g)).toHaveLength(1);
    expect(api.message).toContain("refresh_token_reused");
    const corrupt = toHttpError(new OAuthError("store_corrupt", "/x/auth.json is not valid JSON."));
    expect(corrupt.message.match(/cmp-server login/g)).toHaveLength(1);
    expect(corrupt.message).toContain("auth.json is not valid JSON");
  });

  it("keep URLs intact", () => {
    expect(
      withoutLocalPaths("POST https://auth.openai.com/oauth/token failed for /var/lib/cmp/auth.json"),
    ).toBe("POST https://auth.openai.com/oauth/token failed for auth.json");
  });
});

describe("a model that requires a newer version of Codex", () => {
  const detail =
    "The 'gpt-5.6-sol' model requires a newer version of Codex. Please upgrade to the latest app or CLI and try again.";

  it("is explained with CMP_CLIENT_VERSION and the version that was refused", () => {
    const error = new CodexHttpError({ status: 400, headers: {}, bodyText: JSON.stringify({ detail }) });
    const api = toHttpError(error, 0, "0.125.0");
    expect(api.status).toBe(400);
    expect(api.code).toBe("codex_client_version_too_old");
    expect(api.param).toBe("model");
    expect(api.message).toContain("CMP_CLIENT_VERSION");
    expect(api.message).toContain("(0.125.0)");
    expect(api.message).toContain(detail);
    // The OpenAI-style body says the same.
    const openaiStyle = new CodexHttpError({
      status: 400,
      headers: {},
      bodyText: JSON.stringify({ error: { type: "invalid_request_error", message: detail } }),
    });
    expect(toHttpError(openaiStyle, 0, "0.125.0").code).toBe("codex_client_version_too_old");
  });

  it("is explained when it arrived as a stream failure, once", () => {
    const mapped = new OpenAIHttpError({ status: 400, code: "invalid_request", message: detail });
    const api = toHttpError(mapped, 0, "0.140.0");
    expect(api.code).toBe("codex_client_version_too_old");
    expect(toHttpError(api, 0, "0.140.0")).toBe(api);
  });

  it("leaves other errors alone", () => {
    const other = new CodexHttpError({ status: 400, headers: {}, bodyText: '{"detail":"Bad request"}' });
    expect(toHttpError(other, 0, "0.154.0").code).not.toBe("codex_client_version_too_old");
  });
});

describe("the shared store (CMP_STORE_URL) in API errors", () => {
  it("answers store_unavailable with 503, retry-after and no internals of the store", () => {
    const error = new OAuthError(
      "store_unavailable",
      "The shared store (CMP_STORE_URL) cannot be reached to save the refreshed login.",
      {
        retryable: true,
        cause: new Error("connect ECONNREFUSED redis://:hunter2@10.0.0.5:6379"),
      },
    );
    const api = toHttpError(error);
    expect(api.status).toBe(503);
    expect(api.code).toBe("store_unavailable");
    expect(api.headers["retry-after"]).toBe("5");
    expect(api.retryable).toBe(true);
    expect(api.message).toContain("CMP_STORE_URL");
    expect(api.message).toMatch(/retry/i);
    const body = JSON.stringify(api.toBody());
    expect(body).toContain('"code":"store_unavailable"');
    for (const internal of ["ECONNREFUSED", "10.0.0.5", "hunter2", "redis://"])
      expect(body).not.toContain(internal);
  });

  it("answers a login the secret cannot open as reauth_required (401), naming CMP_STORE_SECRET", () => {
    const api = toHttpError(
      new OAuthError(
        "store_corrupt",
        "The stored login cannot be opened with CMP_STORE_SECRET (another secret, or changed data); check the secret, or log in again.",
      ),
    );
    expect(api.status).toBe(401);
    expect(api.code).toBe("reauth_required");
    expect(api.message).toContain("CMP_STORE_SECRET");
    expect(api.message.match(/cmp-server login/g)).toHaveLength(1);
  });

  it("answers another shared-store failure as auth_unavailable (502, no retry-after)", () => {
    const api = toHttpError(
      new OAuthError("store_read_failed", "The shared store failed to read the login."),
    );
    expect(api.status).toBe(502);
    expect(api.code).toBe("auth_unavailable");
    expect(api.headers["retry-after"]).toBeUndefined();
  });
});
