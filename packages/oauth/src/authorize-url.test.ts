import { describe, expect, it } from "vitest";
import { buildAuthorizeUrl, buildLoopbackRedirectUri } from "./authorize-url.js";
import { getIssuerEndpoints } from "./constants.js";

describe("buildAuthorizeUrl", () => {
  it("sends every parameter the backend needs, in the Codex CLI's order", () => {
    const url = new URL(
      buildAuthorizeUrl({
        redirectUri: buildLoopbackRedirectUri(1455),
        codeChallenge: "challenge",
        state: "state-1",
      }),
    );
    expect(url.origin + url.pathname).toBe("https://auth.openai.com/oauth/authorize");
    expect([...url.searchParams.entries()]).toEqual([
      ["response_type", "code"],
      ["client_id", "app_EMoamEEZ73f0CkXaXp7hrann"],
      ["redirect_uri", "http://localhost:1455/auth/callback"],
      ["scope", "openid profile email offline_access"],
      ["code_challenge", "challenge"],
      ["code_challenge_method", "S256"],
      ["id_token_add_organizations", "true"],
      ["codex_cli_simplified_flow", "true"],
      ["state", "state-1"],
      ["originator", "chatgpt_max_proxy"],
    ]);
    expect(url.search).toContain("scope=openid%20profile%20email%20offline_access");
  });

  it("uses the configured issuer and never claims to be the Codex CLI", () => {
    const url = buildAuthorizeUrl({
      issuer: "http://127.0.0.1:9999/",
      redirectUri: "http://localhost:1457/auth/callback",
      codeChallenge: "c",
      state: "s",
    });
    expect(url.startsWith("http://127.0.0.1:9999/oauth/authorize?")).toBe(true);
    expect(url).not.toContain("codex_cli_rs");
  });

  it("derives every endpoint from the issuer", () => {
    expect(getIssuerEndpoints("http://127.0.0.1:1/")).toEqual({
      authorize: "http://127.0.0.1:1/oauth/authorize",
      token: "http://127.0.0.1:1/oauth/token",
      revoke: "http://127.0.0.1:1/oauth/revoke",
      jwks: "http://127.0.0.1:1/.well-known/jwks.json",
      deviceUserCode: "http://127.0.0.1:1/api/accounts/deviceauth/usercode",
      deviceToken: "http://127.0.0.1:1/api/accounts/deviceauth/token",
      devicePage: "http://127.0.0.1:1/codex/device",
      deviceRedirect: "http://127.0.0.1:1/deviceauth/callback",
    });
  });
});
