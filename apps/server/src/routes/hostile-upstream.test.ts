import { type HostileScenarioName, hostileScenarios } from "@cmp/testkit";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const cases: Array<[HostileScenarioName, number, string]> = [
  ["stalled-head", 504, "upstream_timeout"],
  ["usage-limit-absurd-reset", 429, "usage_limit_reached"],
  ["usage-limit-absurd-reset-at", 429, "usage_limit_reached"],
  ["stalled-error-body-429", 429, "rate_limit_exceeded"],
  ["stalled-error-body-401", 401, "reauth_required"],
];

describe("a hostile backend through the app", () => {
  it.each(cases)(
    "%s → %i %s, within the idle timeout, and the next request works",
    async (name, status, code) => {
      harness = await createHarness({ idleTimeoutMs: 500 });
      harness.codex.setScenario(hostileScenarios[name]);
      const started = Date.now();
      const res = await request(harness.app)
        .post("/v1/chat/completions")
        .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] });
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(Date.now() - started).toBeLessThan(10_000);
      if (name === "stalled-head") expect(harness.codex.requests.length).toBe(1);
      harness.codex.setScenario("text");
      const ok = await request(harness.app)
        .post("/v1/chat/completions")
        .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] });
      expect(ok.status).toBe(200);
      expect((await request(harness.app).get("/v1/status")).status).toBe(200);
    },
  );

  it("ends a stream whose keep-alives already went out with the error event and [DONE] (stalled head)", async () => {
    harness = await createHarness({ idleTimeoutMs: 500, config: { keepAliveMs: 50 } });
    harness.codex.setScenario(hostileScenarios["stalled-head"]);
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(res.text).toContain(": keep-alive");
    expect(res.text).toContain('"code":"upstream_timeout"');
    expect(res.text.endsWith("data: [DONE]\n\n")).toBe(true);
  });
});
