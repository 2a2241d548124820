import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets, redactText } from "./redact-secrets.js";

const JWT =
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLXBhcnQtaGVyZQ";

describe("redacting secrets from logged bodies", () => {
  it("replaces bearer tokens, sk-/cmp- keys and JWTs in text, and keeps the rest", () => {
    const text = `use Bearer abcdef123456789 then sk-proj-ABCDEFGHIJKLMNOPQRST and cmp-${"x".repeat(43)} and ${JWT}; done`;
    const out = redactText(text);
    expect(out).not.toMatch(/abcdef123456789|ABCDEFGHIJKLMNOPQRST|xxxxxxxx|eyJhbGci/);
    expect(out).toBe(`use ${REDACTED} then ${REDACTED} and ${REDACTED} and ${REDACTED}; done`);
    expect(redactText("a plain question about sk- prefixes")).toBe("a plain question about sk- prefixes");
  });

  it("walks objects and arrays, and blanks fields named like secrets whatever they hold", () => {
    const body = {
      model: "gpt-5.4",
      api_key: "plain-looking",
      metadata: { authorization: "Basic dXNlcjpwdw==", refresh_token: "rt", note: "ok" },
      messages: [{ role: "user", content: `my key is sk-${"a".repeat(30)}` }],
      empty_token: "",
      n: 2,
    };
    expect(redactSecrets(body)).toEqual({
      model: "gpt-5.4",
      api_key: REDACTED,
      metadata: { authorization: REDACTED, refresh_token: REDACTED, note: "ok" },
      messages: [{ role: "user", content: `my key is ${REDACTED}` }],
      empty_token: "",
      n: 2,
    });
    // The original is not changed.
    expect(body.api_key).toBe("plain-looking");
  });
});
