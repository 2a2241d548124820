import { describe, expect, it } from "vitest";
import { timingSafeEqualStrings } from "./timing-safe-equal.js";

describe("timingSafeEqualStrings", () => {
  it("compares equal and unequal strings of any length", () => {
    expect(timingSafeEqualStrings("abc", "abc")).toBe(true);
    expect(timingSafeEqualStrings("abc", "abd")).toBe(false);
    expect(timingSafeEqualStrings("abc", "abcd")).toBe(false);
    expect(timingSafeEqualStrings("", "")).toBe(true);
  });
});
