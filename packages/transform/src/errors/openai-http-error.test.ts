import { CmpError } from "@cmp/core";
import { describe, expect, it } from "vitest";
import { mapStatusToErrorType } from "./map-status-to-error-type.js";
import { createInvalidRequestError, OpenAIHttpError } from "./openai-http-error.js";

describe("OpenAIHttpError", () => {
  it("takes OpenAI's default type for the status when none is given", () => {
    const error = new OpenAIHttpError({ status: 404, message: "No such thing.", code: "not_found" });
    expect(error.type).toBe("not_found_error");
    expect(error.toBody()).toEqual({
      error: { message: "No such thing.", type: "not_found_error", code: "not_found", param: null },
    });
  });

  it.each([
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [429, "rate_limit_error"],
    [500, "server_error"],
    [503, "server_error"],
    [400, "invalid_request_error"],
    [413, "invalid_request_error"],
  ])("maps status %i to type %s", (status, type) => {
    expect(mapStatusToErrorType(status)).toBe(type);
  });

  it("keeps code a string for callers while the body carries null as OpenAI sends it", () => {
    const error = createInvalidRequestError("Invalid request body.");
    expect(error.code).toBe("invalid_request_error");
    expect(error.toBody().error.code).toBeNull();
    expect(error.body).toEqual(error.toBody());
    const coded = createInvalidRequestError("Bad.", "messages[0]", "invalid_value");
    expect(coded.code).toBe("invalid_value");
    expect(coded.toBody().error).toEqual({
      message: "Bad.",
      type: "invalid_request_error",
      code: "invalid_value",
      param: "messages[0]",
    });
  });

  it("derives retryable from the status and x-should-retry", () => {
    expect(new OpenAIHttpError({ status: 503, message: "x" }).retryable).toBe(true);
    expect(new OpenAIHttpError({ status: 429, message: "x" }).retryable).toBe(true);
    expect(new OpenAIHttpError({ status: 400, message: "x" }).retryable).toBe(false);
    const farReset = new OpenAIHttpError({
      status: 429,
      message: "x",
      headers: { "x-should-retry": "false" },
    });
    expect(farReset.retryable).toBe(false);
    expect(new OpenAIHttpError({ status: 400, message: "x", retryable: true }).retryable).toBe(true);
  });

  it("is a CmpError recognised by its marker, also from another copy of the package", () => {
    const error = new OpenAIHttpError({ status: 500, message: "boom", cause: new Error("inner") });
    expect(error.name).toBe("OpenAIHttpError");
    expect(error).toBeInstanceOf(Error);
    expect(CmpError.isInstance(error)).toBe(true);
    expect(OpenAIHttpError.isInstance(error)).toBe(true);
    expect(error.cause).toBeInstanceOf(Error);
    const foreignCopy = { [Symbol.for("cmp.error.OpenAIHttpError")]: true };
    expect(OpenAIHttpError.isInstance(foreignCopy)).toBe(true);
    expect(OpenAIHttpError.isInstance(new CmpError("Other", { code: "x", message: "y" }))).toBe(false);
    expect(OpenAIHttpError.isInstance(null)).toBe(false);
  });
});
