import { randomBytes } from "node:crypto";
import { ConfigError } from "@cmp/core";
import { describe, expect, it } from "vitest";
import { parseStoreSecret } from "./parse-store-secret.js";
import { createSecretBox } from "./secret-box.js";
import { SecretBoxError } from "./secret-box-error.js";

const key = () => new Uint8Array(randomBytes(32));

/** Flips one character of the envelope part `index` (1 = IV, 2 = tag, 3 = ciphertext). */
function tamper(envelope: string, index: number): string {
  const parts = envelope.split(".");
  const part = parts[index] ?? "";
  const flipped = part[0] === "A" ? "B" : "A";
  parts[index] = flipped + part.slice(1);
  return parts.join(".");
}

describe("createSecretBox", () => {
  it("round-trips text, with a fresh IV in every v1 envelope", () => {
    const box = createSecretBox(key());
    const secret = "rt_refresh-token 🔑 ünïcode";
    const first = box.seal(secret);
    const second = box.seal(secret);
    expect(first).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("refresh");
    expect(box.open(first)).toBe(secret);
    expect(box.open(second)).toBe(secret);
    expect(box.open(box.seal(""))).toBe("");
  });

  it("detects a changed IV, tag or ciphertext", () => {
    const box = createSecretBox(key());
    const envelope = box.seal("a secret value");
    for (const index of [1, 2, 3]) {
      expect(() => box.open(tamper(envelope, index))).toThrow(SecretBoxError);
    }
    let error: unknown;
    try {
      box.open(tamper(envelope, 3));
    } catch (caught) {
      error = caught;
    }
    expect(SecretBoxError.isInstance(error)).toBe(true);
    expect(String(error)).not.toContain("a secret value");
  });

  it("refuses an envelope sealed with another key", () => {
    const envelope = createSecretBox(key()).seal("a secret value");
    expect(() => createSecretBox(key()).open(envelope)).toThrow(/another store secret/);
  });

  it("refuses what is not a v1 envelope", () => {
    const box = createSecretBox(key());
    for (const text of ["", "plain", "v2.a.b.c", "v1.a.b", "v1.!!.b.c", `v1.${"A".repeat(16)}.short.c`]) {
      expect(() => box.open(text)).toThrow(SecretBoxError);
    }
  });

  it("keeps its own copy of the key", () => {
    const bytes = key();
    const box = createSecretBox(bytes);
    const envelope = box.seal("x");
    bytes.fill(0);
    expect(box.open(envelope)).toBe("x");
  });

  it("refuses a key that is not 32 bytes, saying how to make one", () => {
    expect(() => createSecretBox(new Uint8Array(16))).toThrow(ConfigError);
    expect(() => createSecretBox(new Uint8Array(16))).toThrow(/openssl rand -base64 32/);
  });
});

describe("parseStoreSecret", () => {
  const bytes = randomBytes(32);

  it("accepts 32 bytes as base64, base64url (padding optional) or hex", () => {
    const expected = new Uint8Array(bytes);
    expect(parseStoreSecret(bytes.toString("base64"))).toEqual(expected);
    expect(parseStoreSecret(bytes.toString("base64url"))).toEqual(expected);
    expect(parseStoreSecret(` ${bytes.toString("hex")}\n`)).toEqual(expected);
    expect(parseStoreSecret(bytes.toString("hex").toUpperCase())).toEqual(expected);
  });

  it("refuses other lengths and text with a ConfigError that says how to make one, without the value", () => {
    for (const text of [
      "",
      "hunter2-pw",
      randomBytes(16).toString("base64"),
      randomBytes(33).toString("base64"),
      "z".repeat(64),
    ]) {
      let caught: unknown;
      try {
        parseStoreSecret(text);
      } catch (error) {
        caught = error;
      }
      expect(ConfigError.isInstance(caught)).toBe(true);
      expect(String(caught)).toContain("openssl rand -base64 32");
      if (text.length > 3) expect(String(caught)).not.toContain(text);
    }
  });
});
