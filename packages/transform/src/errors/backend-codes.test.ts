import { describe, expect, it } from "vitest";
import { isUpstreamOverload } from "./is-upstream-overload.js";
import { mapStreamFailure } from "./map-stream-failure.js";
import { mapUpstreamError } from "./map-upstream-error.js";

const now = Date.parse("2026-12-04T18:00:00Z");
const body = (code: string, message = "") => JSON.stringify({ error: { code, message } });
const event = (code: string, message = "") =>
  mapStreamFailure({ type: "error", code, message, param: null }, { now });
const failed = (code: string, message = "") =>
  mapStreamFailure({ type: "response.failed", response: { error: { code, message } } }, { now });

describe("the backend's current error codes, one table for HTTP bodies and stream events", () => {
  it("invalid_prompt is a 400 that is never retried", () => {
    for (const error of [
      mapUpstreamError({ status: 400, bodyText: body("invalid_prompt", "Invalid prompt") }),
      event("invalid_prompt"),
    ]) {
      expect(error).toMatchObject({ status: 400, code: "invalid_prompt", retryable: false });
      expect(isUpstreamOverload(error)).toBe(false);
    }
  });

  it("server_is_overloaded and slow_down are a retryable 503 with Retry-After, on any carrier", () => {
    for (const error of [
      mapUpstreamError({ status: 503, bodyText: body("server_is_overloaded") }),
      mapUpstreamError({ status: 429, bodyText: body("slow_down", "Please slow down.") }),
      event("server_is_overloaded", "Our servers are currently overloaded."),
      failed("slow_down"),
    ]) {
      expect(error).toMatchObject({ status: 503, code: "upstream_unavailable", retryable: true });
      expect(error.headers["retry-after"]).toMatch(/^\d+$/);
      expect(isUpstreamOverload(error)).toBe(true);
    }
  });

  it("cyber_policy is a 400 with the backend's own message, never retried", () => {
    const message = "This request was flagged under our cybersecurity policy.";
    for (const error of [
      mapUpstreamError({ status: 400, bodyText: body("cyber_policy", message) }),
      failed("cyber_policy", message),
    ]) {
      expect(error).toMatchObject({ status: 400, code: "cyber_policy", retryable: false, message });
    }
  });

  it("token_revoked and deactivated_workspace are a 401 that says what happened and to log in again", () => {
    const revoked = mapUpstreamError({ status: 401, bodyText: body("token_revoked", "Token revoked.") });
    expect(revoked).toMatchObject({
      status: 401,
      code: "token_revoked",
      type: "authentication_error",
      retryable: false,
    });
    expect(revoked.message).toMatch(/revoked.*cmp-server login/s);
    const deactivated = mapUpstreamError({
      status: 402,
      bodyText: JSON.stringify({ detail: { code: "deactivated_workspace" } }),
    });
    expect(deactivated).toMatchObject({ status: 401, code: "deactivated_workspace", retryable: false });
    expect(deactivated.message).toMatch(/workspace.*deactivated.*cmp-server login/s);
    expect(event("deactivated_workspace").code).toBe("deactivated_workspace");
  });

  it("names the active per-model limit in the 429 usage-limit message", () => {
    const resetAt = String(now / 1000 + 3600);
    const error = mapUpstreamError({
      status: 429,
      now,
      bodyText: JSON.stringify({ error: { type: "usage_limit_reached", plan_type: "pro" } }),
      headers: {
        "x-codex-primary-used-percent": "20",
        "x-codex-primary-window-minutes": "10080",
        "x-codex-bengalfox-primary-used-percent": "100",
        "x-codex-bengalfox-primary-window-minutes": "300",
        "x-codex-bengalfox-primary-reset-at": resetAt,
        "x-codex-bengalfox-limit-name": "GPT-5.3-Codex-Spark",
        "x-codex-active-limit": "codex_bengalfox",
        "x-codex-rate-limit-reached-type": "primary",
      },
    });
    expect(error.message).toBe(
      "ChatGPT Pro 5-hour usage limit for GPT-5.3-Codex-Spark reached; resets at 2026-12-04T19:00:00Z (in 1h 0m).",
    );
    expect(error.headers["retry-after"]).toBe("3600");
  });
});
