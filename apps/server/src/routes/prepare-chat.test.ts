import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const messages = [
  { role: "system", content: "You are a pirate." },
  { role: "user", content: "hi" },
];

describe("instructions", () => {
  it("sends the client's system prompt as instructions by default", async () => {
    harness = await createHarness();
    await request(harness.app).post("/v1/chat/completions").send({ model: "gpt-5.4", messages });
    expect(harness.upstreamBodies()[0]?.["instructions"]).toBe("You are a pirate.");
  });

  it("retries once in codex mode when the backend rejects the instructions, and remembers it", async () => {
    harness = await createHarness({
      scenario: (req) =>
        req.body["instructions"] === "BASE INSTRUCTIONS"
          ? "text"
          : {
              status: 400,
              body: '{"detail":"Instructions are not valid"}',
              headers: { "content-type": "application/json" },
            },
    });
    const first = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages });
    expect(first.status).toBe(200);
    expect(first.headers["x-cmp-warnings"]).toContain("rejected custom instructions");
    const bodies = harness.upstreamBodies();
    expect(bodies).toHaveLength(2);
    expect(JSON.stringify(bodies[1]?.["input"])).toContain("You are a pirate.");
    const second = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages });
    expect(second.status).toBe(200);
    expect(harness.upstreamBodies()).toHaveLength(3);
    expect(harness.upstreamBodies()[2]?.["instructions"]).toBe("BASE INSTRUCTIONS");
  });

  it("retries a Responses request once in codex mode when the backend rejects its instructions", async () => {
    harness = await createHarness({
      scenario: (req) =>
        req.body["instructions"] === "BASE INSTRUCTIONS"
          ? "text"
          : {
              status: 400,
              body: '{"detail":"Instructions are not valid"}',
              headers: { "content-type": "application/json" },
            },
    });
    const res = await request(harness.app)
      .post("/v1/responses")
      .send({ model: "gpt-5.4", instructions: "You are a pirate.", input: "hi" });
    expect(res.status).toBe(200);
    expect(res.headers["x-cmp-warnings"]).toContain("with your instructions as a developer message");
    const bodies = harness.upstreamBodies();
    expect(bodies).toHaveLength(2);
    expect(bodies[1]?.["instructions"]).toBe("BASE INSTRUCTIONS");
    expect(JSON.stringify(bodies[1]?.["input"])).toContain("You are a pirate.");
  });

  it("uses codex mode from the start when configured", async () => {
    harness = await createHarness({ config: { instructionsMode: "codex" } });
    await request(harness.app).post("/v1/chat/completions").send({ model: "gpt-5.4", messages });
    const body = harness.upstreamBodies()[0];
    expect(body?.["instructions"]).toBe("BASE INSTRUCTIONS");
    expect(JSON.stringify(body?.["input"])).toContain('"role":"developer"');
  });
});

describe("upstream idle timeout", () => {
  it("answers 504 when the backend goes silent before any output", async () => {
    harness = await createHarness({ scenario: "stall", idleTimeoutMs: 200 });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe("upstream_timeout");
  });
});
