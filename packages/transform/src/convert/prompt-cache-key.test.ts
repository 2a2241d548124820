import { describe, expect, it } from "vitest";
import { derivePromptCacheKey, resolvePromptCacheKey } from "./prompt-cache-key.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const never = (): string => {
  throw new Error("must not be read");
};

describe("resolvePromptCacheKey", () => {
  it("uses the client's prompt_cache_key, then its user, without reading the messages", () => {
    const source = { leadingSystemPrompts: ["sys"], firstUserText: never };
    expect(resolvePromptCacheKey({ ...source, clientKey: "mine", user: "u" })).toBe("mine");
    expect(resolvePromptCacheKey({ ...source, clientKey: null, user: "user-42" })).toBe("user-42");
    expect(
      resolvePromptCacheKey({ ...source, clientKey: "", user: undefined, firstUserText: () => "x" }),
    ).toMatch(UUID);
  });

  it("derives a UUID from the leading system prompts and the first user message", () => {
    const derived = resolvePromptCacheKey({
      clientKey: null,
      user: null,
      leadingSystemPrompts: ["a", "", "b"],
      firstUserText: () => "first",
    });
    expect(derived).toMatch(UUID);
    // The join matches client-mode `instructions`, so the key is what it was when they were the source.
    expect(derived).toBe(derivePromptCacheKey("a\n\nb", "first"));
    const other = resolvePromptCacheKey({
      clientKey: null,
      user: null,
      leadingSystemPrompts: ["a"],
      firstUserText: () => "first",
    });
    expect(other).not.toBe(derived);
  });

  it("hashes a client key that cannot travel as a header value, keeping it stable", () => {
    const source = { user: null, leadingSystemPrompts: [], firstUserText: never };
    for (const bad of ["clé", "a\r\nx-evil: 1", " padded ", "k".repeat(300)]) {
      const key = resolvePromptCacheKey({ ...source, clientKey: bad });
      expect(key).toMatch(UUID);
      expect(resolvePromptCacheKey({ ...source, clientKey: bad })).toBe(key);
    }
    expect(resolvePromptCacheKey({ ...source, clientKey: "conv-1 with spaces" })).toBe("conv-1 with spaces");
  });
});
