import { describe, expect, it } from "vitest";
import { OAuthError } from "./oauth-errors.js";
import { computeCodeChallenge, createPkcePair, generateState } from "./pkce.js";

describe("PKCE", () => {
  it("matches the RFC 7636 Appendix B vector", () => {
    expect(computeCodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("creates verifiers within 43–128 characters and a matching challenge", () => {
    const pair = createPkcePair();
    expect(pair.verifier.length).toBeGreaterThanOrEqual(43);
    expect(pair.verifier.length).toBeLessThanOrEqual(128);
    expect(pair.method).toBe("S256");
    expect(pair.challenge).toBe(computeCodeChallenge(pair.verifier));
    expect(createPkcePair().verifier).not.toBe(pair.verifier);
  });

  it("refuses verifiers outside RFC 7636 without echoing them", () => {
    const tooShort = "a".repeat(42);
    expect(() => computeCodeChallenge(tooShort)).toThrow(OAuthError);
    expect(() => computeCodeChallenge("b".repeat(129))).toThrow("43 to 128");
    try {
      computeCodeChallenge(tooShort);
    } catch (error) {
      expect(String(error)).not.toContain(tooShort);
    }
  });

  it("creates random states", () => {
    expect(generateState()).not.toBe(generateState());
  });
});
