import type { QuotaSnapshot } from "@cmp/codex-client";
import { requestUsageSchema } from "@cmp/protocol";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { ManagementBus } from "../state/management-bus.js";
import { QuotaTracker } from "../state/quota-tracker.js";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const VALID_HEADER = /^[\x20-\x7e]*$/;
const chat = (body: Record<string, unknown>) =>
  request((harness as Harness).app)
    .post("/v1/chat/completions")
    .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }], ...body });

describe("hostile client input never breaks an answer", () => {
  it.each([false, true])(
    "answers 200 with a valid x-cmp-warnings for an unknown key with NUL, DEL and non-Latin-1 characters (stream: %s)",
    async (stream) => {
      // Keep-alives later than the answer: one sent first would start the stream before the warnings are known.
      harness = await createHarness({ config: { keepAliveMs: 10_000 } });
      const res = await chat({ stream, "k\u0000\u007f\u00e9\u2603": 1 });
      expect(res.status).toBe(200);
      expect(res.headers["x-cmp-warnings"]).toMatch(VALID_HEADER);
      expect(res.headers["x-cmp-warnings"]).toContain("\\u2603");
    },
  );

  it("keeps x-cmp-warnings under 4 KiB for 300 unknown keys", async () => {
    harness = await createHarness();
    const keys = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`unknown_key_${i}`, i]));
    const res = await chat(keys);
    expect(res.status).toBe(200);
    expect(String(res.headers["x-cmp-warnings"]).length).toBeLessThanOrEqual(4096);
    expect(res.headers["x-cmp-warnings"]).toMatch(/\.\.\.and \d+ more$/);
  });

  it("answers a Letta model prefix with non-Latin-1 characters", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/profile/letta/v1/chat/completions")
      .send({ model: "pr\u2603\u0000/gpt-5.4", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(res.headers["x-cmp-warnings"]).toMatch(VALID_HEADER);
  });

  it("echoes at most 200 characters of a 1 MiB model name in the 404", async () => {
    harness = await createHarness({ config: { bodyLimitBytes: 4 << 20 } });
    const res = await chat({ model: "m".repeat(1 << 20) });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("model_not_found");
    expect(res.body.error.message).toContain(`${"m".repeat(200)}…`);
    expect(res.body.error.message).not.toContain("m".repeat(201));
    const get = await request(harness.app).get(`/v1/models/${"m".repeat(8000)}`);
    expect(get.status).toBe(404);
    expect(get.body.error.message.length).toBeLessThan(4000);
    const unknown = await request(harness.app).get(`/v1/${"p".repeat(8000)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message.length).toBeLessThan(1000);
  });

  it.each(["/v1/models/%ff", "/v1/models/%E0%A4%A", "/v1/status/%ff", "/v1/files/%ff", "/%ff"])(
    "answers the malformed path %s with a JSON 4xx, never 500",
    async (path) => {
      harness = await createHarness();
      const res = await request(harness.app).get(path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers["content-type"]).toMatch(/json/);
      expect(res.body.error.code).not.toBe("internal_error");
    },
  );
});

describe("hostile quota values never break /v1/status", () => {
  it("does not forward an overlong x-codex-* header to the client", async () => {
    harness = await createHarness();
    harness.codex.setScenario(() => ({
      ...textScenario(),
      headers: { "x-codex-plan-type": "p".repeat(5000) },
    }));
    const res = await chat({});
    expect(res.status).toBe(200);
    expect(res.headers["x-codex-plan-type"]).toBeUndefined();
    expect(res.headers["x-codex-primary-used-percent"]).toBeDefined();
  });

  it("ignores a snapshot whose dates cannot be serialised, keeping the last good one", () => {
    const tracker = new QuotaTracker(new ManagementBus());
    const good: QuotaSnapshot = {
      primary: { usedPercent: 10, windowMinutes: 300, resetsAt: new Date(0) },
      secondary: null,
      credits: null,
      planType: null,
      limits: [],
      activeLimit: null,
      rateLimitReachedType: null,
      updatedAt: new Date(0),
    };
    tracker.record(good);
    tracker.record({ ...good, primary: { usedPercent: 99, windowMinutes: 300, resetsAt: new Date(1e20) } });
    tracker.record({ ...good, primary: { usedPercent: Number.NaN, windowMinutes: 300, resetsAt: null } });
    expect(tracker.current()?.primary?.used_percent).toBe(10);
  });

  it.each([
    ["99999999999999999", "1e300"],
    ["-1e300", "Infinity"],
  ])("answers the request and keeps /v1/status 200 after reset-at %s, reset-after %s", async (at, after) => {
    harness = await createHarness();
    const headers = { "x-codex-primary-reset-at": at, "x-codex-primary-reset-after-seconds": after };
    harness.codex.setScenario(() => ({ ...textScenario(), headers }));
    const res = await chat({});
    expect(res.status).toBe(200);
    const status = await request(harness.app).get("/v1/status");
    expect(status.status).toBe(200);
    expect(status.body.quota.primary.resets_at).toBeNull();
    expect(res.headers["x-codex-primary-reset-at"]).toBe(at);
  });
});

function textScenario() {
  return {
    events: [
      { type: "response.created", response: { id: "resp_1" } },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "ok" }] },
      },
      { type: "response.completed", response: { id: "resp_1", usage: null } },
    ],
  };
}

describe("hostile token counts never break the dashboard", () => {
  it("records negative and fractional Responses usage as non-negative integers", async () => {
    harness = await createHarness();
    const usage = {
      input_tokens: -5,
      output_tokens: 1.5,
      input_tokens_details: { cached_tokens: -1 },
      output_tokens_details: { reasoning_tokens: 1e300 },
    };
    harness.codex.setScenario(() => ({
      events: [
        { type: "response.created", response: { id: "resp_1" } },
        {
          type: "response.output_item.done",
          output_index: 0,
          item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "ok" }] },
        },
        { type: "response.completed", response: { id: "resp_1", usage } },
      ],
    }));
    const res = await request(harness.app).post("/v1/responses").send({ model: "gpt-5.4", input: "hi" });
    expect(res.status).toBe(200);
    const record = harness.app.context.tracker.recent().at(-1);
    expect(requestUsageSchema.safeParse(record?.usage).success).toBe(true);
    expect(record?.usage).toMatchObject({ input: 0, cached: 0, output: 1 });
  });
});
