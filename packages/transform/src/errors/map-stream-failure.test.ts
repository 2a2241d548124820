import { describe, expect, it } from "vitest";
import { mapStreamFailure } from "./map-stream-failure.js";

const failed = (error: Record<string, unknown>) =>
  mapStreamFailure({ type: "response.failed", response: { id: "r", error } }, { now: 0 });

describe("mapStreamFailure", () => {
  it.each([
    [{ code: "invalid_request_error", message: "bad" }, 400, "invalid_request_error"],
    [
      { type: "invalid_request_error", code: "invalid_encrypted_content", message: "stale" },
      400,
      "invalid_encrypted_content",
    ],
    [
      { code: "rate_limit_exceeded", message: "Rate limit reached. Please try again in 1.5s." },
      429,
      "rate_limit_exceeded",
    ],
    [{ code: "usage_limit_reached", message: "limit", resets_in_seconds: 60 }, 429, "usage_limit_reached"],
    [{ code: "insufficient_quota", message: "quota" }, 429, "usage_limit_reached"],
    [{ code: "context_length_exceeded", message: "too long" }, 400, "context_length_exceeded"],
    [{ code: "server_is_overloaded", message: "busy" }, 503, "upstream_unavailable"],
    [{ code: "weird", message: "boom" }, 502, "weird"],
    [{ message: "no code" }, 502, "upstream_error"],
  ])("classifies %j as %i %s", (error, status, code) => {
    const mapped = failed(error);
    expect(mapped.status).toBe(status);
    expect(mapped.code).toBe(code);
    expect(typeof mapped.body.error.message).toBe("string");
  });

  it.each([
    [
      { message: "Rate limit reached for gpt-5 on tokens per min. Please try again in 2s." },
      429,
      "rate_limit_exceeded",
    ],
    [{ message: "The input exceeds the context length of this model." }, 400, "context_length_exceeded"],
    [{ message: "too many tokens in the prompt" }, 400, "context_length_exceeded"],
    [
      {
        code: "rate_limit_exceeded",
        message: "Selected model is at capacity. Please try a different model.",
      },
      503,
      "upstream_unavailable",
    ],
  ])("classifies %j like the HTTP path (one rule table): %i %s", (error, status, code) => {
    const mapped = failed(error);
    expect(mapped.status).toBe(status);
    expect(mapped.code).toBe(code);
  });

  it("reads Retry-After from a rate-limit message", () => {
    expect(failed({ code: "rate_limit_exceeded", message: "try again in 1.5s" }).headers["retry-after"]).toBe(
      "2",
    );
    expect(
      failed({ code: "rate_limit_exceeded", message: "try again in 300ms" }).headers["retry-after"],
    ).toBe("1");
  });

  it("reads both error event shapes", () => {
    expect(
      mapStreamFailure({
        type: "error",
        error: { type: "invalid_request_error", code: "invalid_value", message: "x" },
      }).status,
    ).toBe(400);
    const top = mapStreamFailure({ type: "error", code: "context_length_exceeded", message: "long" });
    expect(top.code).toBe("context_length_exceeded");
    const nullCode = mapStreamFailure({ type: "error", code: null, message: "An error occurred" });
    expect(nullCode.code).toBe("upstream_error");
    expect(nullCode.status).toBe(502);
  });

  it.each([{ resets_in_seconds: 1e30 }, { resets_at: 1e20 }, { resets_at: Number.MAX_VALUE }])(
    "maps a usage limit with an absurd reset (%j) to 429 without a reset time, never a RangeError",
    (reset) => {
      const mapped = failed({ code: "usage_limit_reached", message: "limit", ...reset });
      expect(mapped.status).toBe(429);
      expect(mapped.headers["retry-after"]).toBeUndefined();
      expect(() => JSON.stringify(mapped.toBody())).not.toThrow();
    },
  );
});
