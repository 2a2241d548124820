import { buildResponseEvents, type ScenarioRequest } from "@cmp/testkit";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const fast = { overloadRetryBaseMs: 1 };
const responses = (body: Record<string, unknown>) =>
  request((harness as Harness).app)
    .post("/v1/responses")
    .send({ model: "gpt-5.4", input: "hi", ...body });
const chat = (body: Record<string, unknown>) =>
  request((harness as Harness).app)
    .post("/v1/chat/completions")
    .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }], ...body });
const upstreamCalls = () => (harness as Harness).upstreamBodies().length;

/** Fails the first `failures` requests with `scenario`, then answers `text`. */
const failFirst = (failures: number, scenario: string) => (req: ScenarioRequest) =>
  req.requestIndex < failures ? scenario : "text";

describe("backend error codes (December 2026)", () => {
  it("answers invalid_prompt with a 400 and never retries it", async () => {
    harness = await createHarness({ scenario: "invalid-prompt", config: fast });
    const res = await responses({});
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_prompt", type: "invalid_request_error" });
    expect(res.body.error.message).toContain("Invalid prompt");
    expect(upstreamCalls()).toBe(1);
  });

  it.each([
    ["responses stream", () => responses({ stream: true })],
    ["responses JSON", () => responses({})],
    ["chat stream", () => chat({ stream: true })],
    ["chat JSON", () => chat({})],
  ])("retries server_is_overloaded inside a 200 stream before any output (%s)", async (_name, send) => {
    harness = await createHarness({ scenario: failFirst(1, "overloaded-event"), config: fast });
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.text).toContain("Hello");
    expect(upstreamCalls()).toBe(2);
  });

  it("retries slow_down as a response.failed event and as an HTTP 429", async () => {
    harness = await createHarness({ scenario: failFirst(2, "slow-down-event"), config: fast });
    expect((await responses({ stream: true })).status).toBe(200);
    expect(upstreamCalls()).toBe(3);
    harness.codex.setScenario((req) => (req.requestIndex < 4 ? "slow-down" : "text"));
    expect((await chat({})).status).toBe(200);
    expect(upstreamCalls()).toBe(5);
  });

  it("gives up after the retries with a 503 and Retry-After", async () => {
    harness = await createHarness({ scenario: "overloaded-event", config: fast });
    const res = await responses({ stream: true });
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toMatch(/^\d+$/);
    expect(res.body.error.code).toBe("upstream_unavailable");
    expect(upstreamCalls()).toBe(3);
  });

  it("does not retry an overload once output reached the client", async () => {
    harness = await createHarness({
      config: fast,
      scenario: {
        eventDelayMs: 15,
        events: buildResponseEvents({
          items: [{ type: "message", text: "Partial answer" }],
          end: { type: "error", code: "server_is_overloaded", message: "Overloaded." },
        }),
      },
    });
    const res = await responses({ stream: true });
    expect(res.status).toBe(200);
    expect(res.text).toContain("server_is_overloaded");
    expect(upstreamCalls()).toBe(1);
  });

  it("answers cyber_policy with a 400 carrying the backend's message, never retried", async () => {
    harness = await createHarness({ scenario: "cyber-policy", config: fast });
    const res = await chat({});
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("cyber_policy");
    expect(res.body.error.message).toContain("flagged under our cybersecurity policy");
    expect(upstreamCalls()).toBe(1);
    harness.codex.setScenario("cyber-policy-event");
    const streamed = await responses({ stream: true });
    expect(streamed.status).toBe(400);
    expect(streamed.body.error.code).toBe("cyber_policy");
    expect(upstreamCalls()).toBe(2);
  });

  it("answers token_revoked with a 401 that says to log in again", async () => {
    harness = await createHarness({ scenario: "token-revoked", config: fast });
    const res = await responses({});
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("token_revoked");
    expect(res.body.error.message).toMatch(/revoked.*cmp-server login/s);
  });

  it("answers deactivated_workspace with a 401 that says the workspace is gone", async () => {
    harness = await createHarness({ scenario: "deactivated-workspace", config: fast });
    const res = await chat({});
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("deactivated_workspace");
    expect(res.body.error.message).toMatch(/workspace.*deactivated.*cmp-server login/s);
  });

  it("keeps the overload retry within a hand-written stream too", async () => {
    harness = await createHarness({
      config: fast,
      scenario: (req) =>
        req.requestIndex === 0
          ? {
              events: buildResponseEvents({
                end: { type: "failed", code: "server_is_overloaded", message: "Overloaded." },
              }),
            }
          : "text",
    });
    expect((await responses({})).status).toBe(200);
    expect(upstreamCalls()).toBe(2);
  });
});
