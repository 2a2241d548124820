import { OAuthError } from "@cmp/oauth";
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
