import { describe, expect, it } from "vitest";
import { CmpError } from "./cmp-error.js";

const marker = "cmp.error.ExampleError";
const symbol = Symbol.for(marker);

class ExampleError extends CmpError<"broken" | "gone"> {
  readonly [symbol] = true;
  constructor(code: "broken" | "gone", message: string, cause?: unknown) {
    super("ExampleError", { code, message, cause, retryable: code === "gone" });
  }
  static override isInstance(error: unknown): error is ExampleError {
    return CmpError.hasMarker(error, marker);
  }
}

describe("CmpError", () => {
  it("carries name, code, message, cause and retryable", () => {
    const cause = new Error("inner");
    const error = new ExampleError("gone", "it went away", cause);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ExampleError");
    expect(error.code).toBe("gone");
    expect(error.message).toBe("it went away");
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(true);
    expect(new ExampleError("broken", "x").retryable).toBe(false);
  });

  it("recognises subclasses by marker, also across copies (no instanceof)", () => {
    const error = new ExampleError("broken", "x");
    expect(ExampleError.isInstance(error)).toBe(true);
    expect(CmpError.isInstance(error)).toBe(true);
    // A structurally foreign object with the same markers (another copy of the package) passes.
    const foreign = { [Symbol.for("cmp.error")]: true, [symbol]: true };
    expect(ExampleError.isInstance(foreign)).toBe(true);
    expect(ExampleError.isInstance(new CmpError("Other", { code: "c", message: "m" }))).toBe(false);
    for (const value of [null, undefined, "x", 1, new Error("plain"), {}]) {
      expect(CmpError.isInstance(value)).toBe(false);
    }
  });
});
