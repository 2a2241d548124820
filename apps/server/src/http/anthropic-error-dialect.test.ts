import { OpenAIHttpError } from "@cmp/transform";
import { describe, expect, it } from "vitest";
import { ANTHROPIC_ERROR_DIALECT } from "./anthropic-error-dialect.js";

const error = (status: number, code: string | null = null) =>
  new OpenAIHttpError({ status, code, message: "m" });

describe("ANTHROPIC_ERROR_DIALECT", () => {
  it.each([
    [400, null, 400, "invalid_request_error"],
    [401, "not_logged_in", 401, "authentication_error"],
    [403, "host_not_allowed", 403, "permission_error"],
    [404, "model_not_found", 404, "not_found_error"],
    [413, "body_too_large", 413, "invalid_request_error"],
    [429, "usage_limit_reached", 429, "rate_limit_error"],
    [499, "client_closed_request", 400, "invalid_request_error"],
    [500, "internal_error", 500, "api_error"],
    [502, "upstream_error", 502, "api_error"],
    [503, "upstream_unavailable", 529, "overloaded_error"],
    [503, "store_unavailable", 503, "api_error"],
    [504, "upstream_timeout", 504, "timeout_error"],
  ])("%i %s → %i %s", (status, code, answered, type) => {
    const e = error(status, code);
    expect(ANTHROPIC_ERROR_DIALECT.status(e)).toBe(answered);
    expect(ANTHROPIC_ERROR_DIALECT.body(e)).toEqual({ type: "error", error: { type, message: "m" } });
  });

  it("ends a started stream with an event: error, and a plain answer with nothing", () => {
    expect(ANTHROPIC_ERROR_DIALECT.streamEnd(error(503, "upstream_unavailable"), true)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"m"}}\n\n',
    );
    expect(ANTHROPIC_ERROR_DIALECT.streamEnd(error(400), false)).toBeUndefined();
  });
});
