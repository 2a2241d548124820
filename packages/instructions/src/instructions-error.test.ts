import { CmpError } from "@cmp/core";
import { describe, expect, it } from "vitest";
import { InstructionsError } from "./instructions-error.js";

describe("InstructionsError", () => {
  it("is a CmpError recognised by its marker, also from another copy of the package", () => {
    const error = new InstructionsError("github_fetch_failed", "GitHub answered HTTP 500", { status: 500 });
    expect(CmpError.isInstance(error)).toBe(true);
    expect(InstructionsError.isInstance(error)).toBe(true);
    expect(InstructionsError.isInstance({ code: "github_fetch_failed" })).toBe(false);
    const foreign = { [Symbol.for("cmp.error")]: true, [Symbol.for("cmp.error.InstructionsError")]: true };
    expect(InstructionsError.isInstance(foreign)).toBe(true);
  });

  it("carries name, literal code, status and retryable", () => {
    expect(new InstructionsError("github_fetch_failed", "x", { status: 503 })).toMatchObject({
      name: "InstructionsError",
      code: "github_fetch_failed",
      status: 503,
      retryable: true,
    });
    expect(new InstructionsError("github_fetch_failed", "x", { status: 404 }).retryable).toBe(false);
    expect(new InstructionsError("github_fetch_failed", "unreachable").retryable).toBe(true);
    expect(new InstructionsError("cache_write_failed", "disk full")).toMatchObject({
      status: null,
      retryable: false,
    });
  });
});
