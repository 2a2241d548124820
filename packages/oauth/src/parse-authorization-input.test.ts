import { describe, expect, it } from "vitest";
import { parseAuthorizationInput } from "./parse-authorization-input.js";

describe("parseAuthorizationInput", () => {
  it("reads the full redirect URL", () => {
    expect(
      parseAuthorizationInput("  http://localhost:1455/auth/callback?code=abc&state=xyz \n"),
    ).toMatchObject({
      code: "abc",
      state: "xyz",
      error: null,
    });
  });

  it("reads a query string, with or without '?'", () => {
    expect(parseAuthorizationInput("code=abc&state=xyz")).toMatchObject({ code: "abc", state: "xyz" });
    expect(parseAuthorizationInput("?code=abc&state=xyz")).toMatchObject({ code: "abc", state: "xyz" });
  });

  it("reads code#state", () => {
    expect(parseAuthorizationInput("abc#xyz")).toMatchObject({ code: "abc", state: "xyz" });
  });

  it("reports errors and missing parts", () => {
    expect(
      parseAuthorizationInput("http://localhost:1455/auth/callback?error=access_denied&state=x"),
    ).toMatchObject({ code: null, error: "access_denied" });
    expect(parseAuthorizationInput("abc")).toMatchObject({ code: "abc", state: null });
  });
});
