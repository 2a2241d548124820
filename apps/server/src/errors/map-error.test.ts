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

  it("keep URLs intact", () => {
    expect(
      withoutLocalPaths("POST https://auth.openai.com/oauth/token failed for /var/lib/cmp/auth.json"),
    ).toBe("POST https://auth.openai.com/oauth/token failed for auth.json");
  });
});
