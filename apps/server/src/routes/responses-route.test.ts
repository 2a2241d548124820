import { buildResponseEvents } from "@cmp/testkit";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function events(text: string): { event: string; data: unknown }[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.includes("data: "))
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? "";
      const data = /^data: (.*)$/m.exec(frame)?.[1] ?? "";
      return { event, data: data === "[DONE]" ? data : (JSON.parse(data) as unknown) };
    });
}

describe("POST /v1/responses", () => {
  it("aggregates a non-streaming response with output rebuilt and usage", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/responses")
      .send({ model: "gpt-5.4", input: "hello", max_output_tokens: 50 });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe("response");
    expect(res.body.output.length).toBeGreaterThan(0);
    expect(res.body.usage.input_tokens).toBeGreaterThan(0);
    expect(res.headers["x-cmp-warnings"]).toContain("max_output_tokens");
    expect(harness.upstreamBodies()[0]).toMatchObject({ store: false, stream: true, model: "gpt-5.4" });
    expect(harness.upstreamBodies()[0]).not.toHaveProperty("max_output_tokens");
  });

  it("streams the backend events as named SSE events and ends, like the Responses API, without [DONE]", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/responses")
      .send({ model: "gpt-5.4", input: [{ role: "user", content: "hi" }], stream: true });
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    const list = events(res.text);
    expect(list[0]?.event).toBe("response.created");
    expect(list.some((e) => e.event === "response.output_text.delta")).toBe(true);
    expect(list.at(-1)?.event).toBe("response.completed");
    expect(res.text).not.toContain("[DONE]");
  });

  it("reports a stream without a terminal event as an error event", async () => {
    harness = await createHarness({
      scenario: {
        eventDelayMs: 10,
        events: buildResponseEvents({ items: [{ type: "message", text: "a b c" }], end: { type: "none" } }),
      },
    });
    const res = await request(harness.app)
      .post("/v1/responses")
      .send({ model: "gpt-5.4", input: "hi", stream: true });
    const list = events(res.text);
    expect(list.at(-1)).toMatchObject({
      event: "error",
      data: { type: "error", code: "stream_incomplete", error: { code: "stream_incomplete" } },
    });
  });

  it("turns a failure before any output into an HTTP error", async () => {
    harness = await createHarness({ scenario: "failed" });
    const res = await request(harness.app)
      .post("/v1/responses")
      .send({ model: "gpt-5.4", input: "hi", stream: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("context_length_exceeded");
  });

  it("rejects previous_response_id with a clear 400", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/responses")
      .send({ model: "gpt-5.4", input: "hi", previous_response_id: "resp_1" });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe("previous_response_id");
  });
});
