import { describe, expect, it } from "vitest";
import { CmpError } from "./cmp-error.js";

class ExampleError extends CmpError<"broken" | "gone"> {
  constructor(code: "broken" | "gone", message: string, cause?: unknown) {
    super("ExampleError", { code, message, cause, retryable: code === "gone" });
  }
  static override isInstance(error: unknown): error is ExampleError {
    return CmpError.hasMarker(error, "cmp.error.ExampleError");
  }
}

class NestedError extends ExampleError {
  constructor() {
    super("broken", "nested");
    this.markAs("NestedError");
  }
  static override isInstance(error: unknown): error is NestedError {
    return CmpError.hasMarker(error, "cmp.error.NestedError");
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
    const foreign = { [Symbol.for("cmp.error")]: true, [Symbol.for("cmp.error.ExampleError")]: true };
    expect(ExampleError.isInstance(foreign)).toBe(true);
    expect(ExampleError.isInstance(new CmpError("Other", { code: "c", message: "m" }))).toBe(false);
    for (const value of [null, undefined, "x", 1, new Error("plain"), {}]) {
      expect(CmpError.isInstance(value)).toBe(false);
    }
  });

  it("marks a subclass of a subclass with its own name and its base's markers", () => {
    const error = new NestedError();
    expect(error.name).toBe("NestedError");
    expect(NestedError.isInstance(error)).toBe(true);
    expect(ExampleError.isInstance(error)).toBe(true);
    expect(CmpError.isInstance(error)).toBe(true);
    expect(NestedError.isInstance(new ExampleError("broken", "x"))).toBe(false);
    expect(Object.getOwnPropertySymbols(error).map((symbol) => symbol.description)).toEqual(
      expect.arrayContaining(["cmp.error", "cmp.error.ExampleError", "cmp.error.NestedError"]),
    );
  });
});
