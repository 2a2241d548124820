import { describe, expect, it } from "vitest";
import { mapUpstreamError } from "./map-upstream-error.js";
import { OpenAIHttpError } from "./openai-http-error.js";

const now = Date.UTC(2026, 10, 27, 18, 0, 0);
const json = (value: unknown) => JSON.stringify(value);

describe("mapUpstreamError", () => {
  it("maps a 429 usage_limit_reached to 429 with Retry-After, plan, window and ISO reset time", () => {
    const resetsAt = now / 1000 + 2 * 3600;
    const error = mapUpstreamError({
      status: 429,
      headers: new Headers({
        "x-codex-primary-used-percent": "100",
        "x-codex-primary-window-minutes": "300",
      }),
      bodyText: json({
        error: {
          type: "usage_limit_reached",
          message: "You've hit your usage limit.",
          plan_type: "plus",
          resets_at: resetsAt,
        },
      }),
      now,
    });
    expect(error.status).toBe(429);
    expect(error.body.error).toMatchObject({
      code: "usage_limit_reached",
      type: "rate_limit_error",
      param: null,
    });
    expect(error.headers["retry-after"]).toBe("7200");
    expect(error.headers["x-should-retry"]).toBe("false");
    expect(error.message).toContain("ChatGPT Plus 5-hour usage limit reached");
    expect(error.message).toContain("2026-11-27T20:00:00Z");
  });

  it("uses resets_in_seconds and names a weekly window from the headers", () => {
    const error = mapUpstreamError({
      status: 429,
      headers: {
        "x-codex-primary-used-percent": "20",
        "x-codex-primary-window-minutes": "300",
        "x-codex-secondary-used-percent": "100",
        "x-codex-secondary-window-minutes": "10080",
      },
      bodyText: json({ error: { type: "usage_limit_reached", plan_type: "pro", resets_in_seconds: 90 } }),
      now,
    });
    expect(error.headers["retry-after"]).toBe("90");
    expect(error.message).toContain("Pro weekly usage limit");
  });

  it.each([
    [404, json({ detail: "usage_limit_reached" })],
    [404, json({ error: { code: "usage_not_included", message: "Not included" } })],
    [400, json({ detail: "Usage limit reached for this model." })],
  ])("normalises the %i usage-limit variant %s to 429", (status, bodyText) => {
    const error = mapUpstreamError({ status, bodyText, now });
    expect(error.status).toBe(429);
    expect(error.code).toBe("usage_limit_reached");
  });

  it("maps the model-not-supported 400 to 404 model_not_found", () => {
    const error = mapUpstreamError({
      status: 400,
      bodyText: json({
        detail: "The 'gpt-5.2' model is not supported when using Codex with a ChatGPT account.",
      }),
      now,
    });
    expect(error.status).toBe(404);
    expect(error.body.error).toMatchObject({ code: "model_not_found", param: "model" });
  });

  it("maps context length errors to 400 context_length_exceeded", () => {
    const error = mapUpstreamError({
      status: 400,
      bodyText: json({
        error: { code: "context_length_exceeded", message: "Your input exceeds the context window." },
      }),
      now,
    });
    expect(error.status).toBe(400);
    expect(error.code).toBe("context_length_exceeded");
  });

  it("never passes an HTML page through: 502 upstream_blocked", () => {
    const html = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf</body></html>";
    const error = mapUpstreamError({
      status: 403,
      headers: { "content-type": "text/html; charset=UTF-8" },
      bodyText: html,
      now,
    });
    expect(error.status).toBe(502);
    expect(error.code).toBe("upstream_blocked");
    expect(error.message).not.toContain("<");
    expect(mapUpstreamError({ status: 403, bodyText: html, now }).code).toBe("upstream_blocked");
  });

  it.each([
    [500, 502, "upstream_error"],
    [502, 502, "upstream_error"],
    [520, 502, "upstream_error"],
    [503, 503, "upstream_unavailable"],
  ])("maps upstream %i to %i %s", (status, expected, code) => {
    const error = mapUpstreamError({ status, bodyText: "oops", now });
    expect(error.status).toBe(expected);
    expect(error.code).toBe(code);
    expect(error.body.error.type).toBe("server_error");
  });

  it("maps capacity messages to 503, not to the usage-limit code", () => {
    const error = mapUpstreamError({
      status: 429,
      bodyText: json({ detail: "Selected model is at capacity. Please try a different model." }),
      now,
    });
    expect(error.status).toBe(503);
    expect(error.code).toBe("upstream_unavailable");
  });

  it("maps 401 to upstream_unauthorized without echoing tokens or headers", () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";
    const error = mapUpstreamError({
      status: 401,
      headers: {
        authorization: `Bearer ${token}`,
        "chatgpt-account-id": "acc_secret",
        "x-request-id": "req_123",
      },
      bodyText: json({ detail: `Invalid token Bearer ${token}` }),
      now,
    });
    expect(error.status).toBe(401);
    expect(error.code).toBe("upstream_unauthorized");
    const serialized = JSON.stringify({ body: error.body, headers: error.headers, message: error.message });
    expect(serialized).not.toContain(token);
    expect(serialized).not.toContain("acc_secret");
    expect(error.message).toContain("req_123");
  });

  it("passes other 400s through as invalid_request_error with the upstream message, both body styles", () => {
    const detail = mapUpstreamError({
      status: 400,
      bodyText: json({ detail: "Unsupported parameter: max_output_tokens" }),
      now,
    });
    expect(detail.status).toBe(400);
    expect(detail.body.error.type).toBe("invalid_request_error");
    expect(detail.message).toContain("Unsupported parameter: max_output_tokens");
    const openai = mapUpstreamError({
      status: 400,
      bodyText: json({
        error: {
          message: "Invalid 'input[2]'",
          type: "invalid_request_error",
          param: "input[2]",
          code: "invalid_value",
        },
      }),
      now,
    });
    expect(openai.body.error).toMatchObject({ code: "invalid_value", param: "input[2]" });
    expect(openai.message).toContain("Invalid 'input[2]'");
  });

  it("maps a plan entitlement 403 to plan_not_eligible", () => {
    const error = mapUpstreamError({
      status: 403,
      bodyText: json({ detail: "To use Codex with your ChatGPT plan, upgrade to Plus." }),
      now,
    });
    expect(error.status).toBe(403);
    expect(error.code).toBe("plan_not_eligible");
  });

  it("reads FastAPI validation details", () => {
    const error = mapUpstreamError({
      status: 400,
      bodyText: json({
        detail: [{ loc: ["body", "input"], msg: "field required", type: "value_error.missing" }],
      }),
      now,
    });
    expect(error.message).toContain("field required");
    const nested = mapUpstreamError({
      status: 400,
      bodyText: json({ detail: { message: "Store must be set to false" } }),
      now,
    });
    expect(nested.message).toContain("Store must be set to false");
  });

  it("maps a plain rate limit 429 to rate_limit_exceeded", () => {
    const error = mapUpstreamError({
      status: 429,
      headers: { "retry-after": "3" },
      bodyText: json({
        error: { type: "rate_limit_exceeded", message: "Rate limit reached, try again in 3s" },
      }),
      now,
    });
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.headers["retry-after"]).toBe("3");
  });

  it("keeps a 429 that does not say 'usage limit' a retryable rate limit, not a quota hit", () => {
    for (const bodyText of ["", json({ detail: "Too Many Requests" }), "Too Many Requests"]) {
      const error = mapUpstreamError({ status: 429, bodyText, now });
      expect(error.status).toBe(429);
      expect(error.code).toBe("rate_limit_exceeded");
      expect(error.body.error.type).toBe("rate_limit_error");
      expect(error.headers["x-should-retry"]).toBeUndefined();
    }
  });

  it("treats a 429 with a reset time as a usage limit even without the type", () => {
    const error = mapUpstreamError({
      status: 429,
      bodyText: json({ error: { message: "Slow down.", resets_in_seconds: 3600 } }),
      now,
    });
    expect(error.code).toBe("usage_limit_reached");
    expect(error.headers["retry-after"]).toBe("3600");
  });

  it("takes Retry-After for a rate limit from the 'try again in' hint when the header is missing", () => {
    const seconds = mapUpstreamError({
      status: 429,
      bodyText: json({ error: { code: "rate_limit_exceeded", message: "Please try again in 1.5s." } }),
      now,
    });
    expect(seconds.headers["retry-after"]).toBe("2");
    const millis = mapUpstreamError({
      status: 429,
      bodyText: json({ error: { code: "rate_limit_exceeded", message: "Please try again in 300ms." } }),
      now,
    });
    expect(millis.headers["retry-after"]).toBe("1");
  });

  it("treats a 429 insufficient_quota as a usage limit, as the stream path always did", () => {
    const error = mapUpstreamError({
      status: 429,
      bodyText: json({ error: { code: "insufficient_quota", message: "You exceeded your quota." } }),
      now,
    });
    expect(error.code).toBe("usage_limit_reached");
    expect(error.headers["x-should-retry"]).toBe("false");
  });

  it("takes the reset time from the fullest window, not the first one read", () => {
    const error = mapUpstreamError({
      status: 429,
      headers: {
        "x-codex-primary-used-percent": "40",
        "x-codex-primary-window-minutes": "300",
        "x-codex-primary-reset-after-seconds": "600",
        "x-codex-secondary-used-percent": "100",
        "x-codex-secondary-window-minutes": "10080",
        "x-codex-secondary-reset-after-seconds": "86400",
        "x-codex-plan-type": "team",
      },
      bodyText: json({ error: { type: "usage_limit_reached" } }),
      now,
    });
    expect(error.headers["retry-after"]).toBe("86400");
    expect(error.message).toContain("ChatGPT Team weekly usage limit reached");
  });

  it("passes the upstream code of a 5xx through, like a stream failure, and answers a 3xx as a 502 server error", () => {
    const coded = mapUpstreamError({
      status: 500,
      bodyText: json({ error: { code: "internal_failure" } }),
      now,
    });
    expect(coded.status).toBe(502);
    expect(coded.code).toBe("internal_failure");
    const redirect = mapUpstreamError({ status: 302, bodyText: "", now });
    expect(redirect.status).toBe(502);
    expect(redirect.code).toBe("upstream_error");
    expect(redirect.type).toBe("server_error");
  });

  it("is an OpenAIHttpError recognised across copies", () => {
    const error = mapUpstreamError({ status: 500, bodyText: "", now });
    expect(OpenAIHttpError.isInstance(error)).toBe(true);
    expect(OpenAIHttpError.isInstance(new Error("x"))).toBe(false);
    expect(error).toBeInstanceOf(Error);
  });

  it.each([
    [{ type: "usage_limit_reached", resets_in_seconds: 1e30 }],
    [{ type: "usage_limit_reached", resets_at: 1e20 }],
    [{ type: "usage_limit_reached", resets_at: -1e20 }],
    [{ type: "usage_limit_reached", resets_in_seconds: -1e9 }],
    [{ code: "usage_limit_reached", resets_in_seconds: Number.MAX_VALUE }],
  ])("treats an absurd reset time as unknown, never a RangeError: %j", (error) => {
    const mapped = mapUpstreamError({
      status: 429,
      headers: { "x-codex-primary-used-percent": "100", "x-codex-primary-reset-at": "99999999999999999" },
      bodyText: json({ error }),
      now,
    });
    expect(mapped.status).toBe(429);
    expect(mapped.code).toBe("usage_limit_reached");
    expect(mapped.headers["retry-after"]).toBeUndefined();
    expect(mapped.headers["x-should-retry"]).toBe("false");
    expect(mapped.message).not.toContain("resets at");
  });

  it("caps Retry-After from the upstream header and from the message hint at a day", () => {
    const header = mapUpstreamError({
      status: 429,
      headers: { "retry-after": "99999999999999999999" },
      bodyText: json({ error: { code: "rate_limit_exceeded" } }),
      now,
    });
    expect(header.headers["retry-after"]).toBe("86400");
    const hint = mapUpstreamError({
      status: 429,
      bodyText: json({ error: { code: "rate_limit_exceeded", message: `try again in ${"9".repeat(400)}s` } }),
      now,
    });
    expect(hint.headers["retry-after"]).toBe("86400");
  });

  it("never echoes HTML tags from a message, code, param or plan quoted in a JSON body", () => {
    const page = "<html><body><h1>Oops</h1></body></html>";
    const mapped = mapUpstreamError({
      status: 400,
      bodyText: json({ detail: { message: page, code: page, param: page } }),
      now,
    });
    expect(JSON.stringify(mapped.toBody())).not.toMatch(/<html|<body|<h1/i);
    expect(mapped.message).toContain("Oops");
    const usage = mapUpstreamError({
      status: 429,
      bodyText: json({ error: { type: "usage_limit_reached", plan_type: page } }),
      now,
    });
    expect(usage.message).not.toMatch(/<html|<body/i);
  });

  it("cuts a megabyte upstream code and param before echoing them", () => {
    const mapped = mapUpstreamError({
      status: 400,
      bodyText: json({ error: { code: "c".repeat(1 << 20), param: "p".repeat(1 << 20), message: "bad" } }),
      now,
    });
    expect(JSON.stringify(mapped.toBody()).length).toBeLessThan(2000);
  });
});
