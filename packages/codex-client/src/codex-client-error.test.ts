import { CmpError } from "@cmp/core";
import { describe, expect, it } from "vitest";
import { CodexClientError } from "./codex-client-error.js";
import { CodexHttpError } from "./codex-http-error.js";
import { HeadersTimeoutError } from "./headers-timeout-error.js";

describe("codex-client errors", () => {
  it("are CmpErrors recognised by marker, also from another copy of the package", () => {
    const unreachable = new CodexClientError("upstream_unreachable", "down");
    const http = new CodexHttpError({ status: 503, headers: {}, bodyText: "busy" });
    const timeout = new HeadersTimeoutError(50);
    expect(
      CmpError.isInstance(unreachable) && CmpError.isInstance(http) && CmpError.isInstance(timeout),
    ).toBe(true);
    expect(CodexClientError.isInstance(http)).toBe(true);
    expect(CodexHttpError.isInstance(unreachable)).toBe(false);
    expect(CodexClientError.isInstance(timeout)).toBe(false);
    expect(HeadersTimeoutError.isInstance(timeout)).toBe(true);
    const foreign = {
      [Symbol.for("cmp.error")]: true,
      [Symbol.for("cmp.error.CodexClientError")]: true,
      [Symbol.for("cmp.error.CodexHttpError")]: true,
      code: "upstream_http_error",
    };
    expect(CodexHttpError.isInstance(foreign)).toBe(true);
    // A look-alike code alone is not enough.
    expect(CodexHttpError.isInstance({ code: "upstream_http_error" })).toBe(false);
  });

  it("carry name, literal code and retryable", () => {
    expect(new CodexClientError("aborted", "x")).toMatchObject({
      name: "CodexClientError",
      code: "aborted",
      retryable: false,
    });
    expect(new CodexClientError("upstream_idle_timeout", "x").retryable).toBe(true);
    const http = new CodexHttpError({ status: 429, headers: {}, bodyText: "" });
    expect(http).toMatchObject({ name: "CodexHttpError", code: "upstream_http_error", retryable: true });
    expect(http.message).toBe("Codex backend answered HTTP 429");
    expect(new CodexHttpError({ status: 400, headers: {}, bodyText: "" }).retryable).toBe(false);
    expect(new HeadersTimeoutError(50)).toMatchObject({
      name: "HeadersTimeoutError",
      code: "ERR_HEADERS_TIMEOUT",
      message: "No response head within 50 ms",
    });
  });
});
