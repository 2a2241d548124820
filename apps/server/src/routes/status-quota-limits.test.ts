import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const chat = () =>
  request((harness as Harness).app)
    .post("/v1/chat/completions")
    .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] });

describe("quota limit families in /v1/status and the usage-limit error", () => {
  it("lists every limit family, marks the active one, and keeps the old fields", async () => {
    harness = await createHarness();
    await chat();
    const status = (await request(harness.app).get("/v1/status")).body;
    expect(status.quota.primary).toMatchObject({ used_percent: 42.5, window_minutes: 300 });
    expect(status.quota.active_limit).toBe("codex");
    expect(status.quota.rate_limit_reached_type).toBeNull();
    expect(status.quota.limits).toEqual([
      expect.objectContaining({ id: "codex", name: null, active: true }),
      expect.objectContaining({
        id: "codex_bengalfox",
        name: "GPT-5.3-Codex-Spark",
        active: false,
        primary: expect.objectContaining({ used_percent: 10, window_minutes: 300 }),
      }),
    ]);
  });

  it("follows x-codex-active-limit and names the active limit in the 429", async () => {
    harness = await createHarness();
    harness.codex.setQuota({
      activeLimit: "codex_bengalfox",
      rateLimitReachedType: "primary",
      families: [
        {
          prefix: "codex-bengalfox",
          name: "GPT-5.3-Codex-Spark",
          primary: { usedPercent: 100, windowMinutes: 300, resetAt: Math.floor(Date.now() / 1000) + 1800 },
          secondary: {
            usedPercent: 30,
            windowMinutes: 10080,
            resetAt: Math.floor(Date.now() / 1000) + 86_400,
          },
        },
      ],
    });
    harness.codex.setScenario("usage-limit");
    const res = await chat();
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/5-hour usage limit for GPT-5\.3-Codex-Spark reached/);
    const status = (await request(harness.app).get("/v1/status")).body;
    expect(status.quota.active_limit).toBe("codex_bengalfox");
    expect(status.quota.rate_limit_reached_type).toBe("primary");
    expect(status.quota.limits.find((l: { active: boolean }) => l.active)?.id).toBe("codex_bengalfox");
  });
});
