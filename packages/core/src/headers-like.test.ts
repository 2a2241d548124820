import { describe, expect, it } from "vitest";
import { getHeader } from "./headers-like.js";

describe("getHeader", () => {
  it("reads Headers objects and plain records, case-insensitively, first value of arrays", () => {
    expect(getHeader(new Headers({ "Retry-After": "3" }), "retry-after")).toBe("3");
    expect(getHeader({ "retry-after": "4" }, "Retry-After")).toBe("4");
    expect(getHeader({ "Retry-After": ["5", "6"] }, "retry-after")).toBe("5");
    expect(getHeader({}, "retry-after")).toBeUndefined();
    expect(getHeader(undefined, "retry-after")).toBeUndefined();
  });
});
