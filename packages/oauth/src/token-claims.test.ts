import { describe, expect, it } from "vitest";
import { OAuthError } from "./oauth-errors.js";
import { makeJwt } from "./testing/test-helpers.js";
import { decodeLoginClaims } from "./token-claims.js";

const auth = "https://api.openai.com/auth";

describe("decodeLoginClaims", () => {
  it("reads account id, plan, email and expiry from the real claim layout", () => {
    const idToken = makeJwt({
      email: "a@b.c",
      [auth]: { chatgpt_account_id: "acc_1", chatgpt_plan_type: "plus" },
    });
    const accessToken = makeJwt({
      exp: 2_000_000_000,
      [auth]: { chatgpt_account_id: "acc_1", chatgpt_plan_type: "pro" },
    });
    expect(decodeLoginClaims({ idToken, accessToken })).toEqual({
      accountId: "acc_1",
      plan: "pro",
      email: "a@b.c",
      expiresAt: new Date(2_000_000_000_000),
    });
  });

  it("falls back to the access token, then the stored account id", () => {
    const accessToken = makeJwt({ exp: 1, [auth]: { chatgpt_account_id: "acc_2" } });
    expect(decodeLoginClaims({ idToken: null, accessToken }).accountId).toBe("acc_2");
    const bare = makeJwt({ exp: 1, "https://api.openai.com/profile": { email: "p@q.r" } });
    expect(decodeLoginClaims({ idToken: null, accessToken: bare, fallbackAccountId: "acc_3" })).toMatchObject(
      {
        accountId: "acc_3",
        email: "p@q.r",
      },
    );
  });

  it("never trusts tokens whose claims are missing", () => {
    const noAccount = makeJwt({ exp: 1 });
    expect(() => decodeLoginClaims({ idToken: null, accessToken: noAccount })).toThrow(
      "no ChatGPT account id",
    );
    const noExp = makeJwt({ [auth]: { chatgpt_account_id: "acc" } });
    expect(() => decodeLoginClaims({ idToken: null, accessToken: noExp })).toThrow("no expiry");
    try {
      decodeLoginClaims({ idToken: null, accessToken: "not-a-jwt-secret-value" });
      expect.unreachable();
    } catch (error) {
      expect(OAuthError.isInstance(error) && error.code).toBe("invalid_token");
      expect(String(error)).not.toContain("not-a-jwt-secret-value");
    }
  });
});
