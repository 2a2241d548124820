import { COMPACT_BODY_FIELDS } from "@cmp/testkit";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const compactRequests = () =>
  (harness as Harness).codex.requests.filter((r) => r.path.endsWith("/responses/compact"));

const history = [
  { type: "message", role: "system", content: "Be terse." },
  { type: "message", role: "user", content: "What is the capital of France?", id: "msg_1" },
  { type: "message", role: "assistant", content: [{ type: "output_text", text: "Paris." }], id: "msg_2" },
  { type: "item_reference", id: "msg_0" },
];

describe("POST /v1/responses/compact", () => {
  it("sends the history to {base}/responses/compact, sanitised and ending in compaction_trigger, and answers one compaction item", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/responses/compact")
      .send({ model: "gpt-5.4", input: [...history, { type: "compaction_trigger" }], temperature: 0.2 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: "response.compaction", output: [{ type: "compaction" }] });
    expect(res.body.output).toHaveLength(1);
    expect(res.body.id).toMatch(/^resp_/);
    expect(res.headers["x-codex-primary-used-percent"]).toBe("42.5");
    const sent = compactRequests()[0];
    expect(sent?.headers).toMatchObject({ authorization: "Bearer tok-0", "chatgpt-account-id": "acc_test" });
    const body = sent?.body as Record<string, unknown>;
    // The fake refuses any other field, as the backend does.
    for (const key of Object.keys(body)) expect(COMPACT_BODY_FIELDS).toContain(key);
    expect(body).not.toHaveProperty("stream");
    expect(body).not.toHaveProperty("store");
    expect(body).not.toHaveProperty("temperature");
    expect(body["instructions"]).toBe("Be terse.");
    const input = body["input"] as Record<string, unknown>[];
    expect(input.at(-1)).toEqual({ type: "compaction_trigger" });
    expect(input.filter((item) => item["type"] === "compaction_trigger")).toHaveLength(1);
    expect(JSON.stringify(input)).not.toMatch(/"id"|item_reference/);
  });

  it("adds the compaction_trigger to a history sent without one (OpenAI's form)", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/responses/compact")
      .send({ model: "gpt-5.4", input: history });
    expect(res.status).toBe(200);
    const sent = compactRequests()[0]?.body as { input: Record<string, unknown>[] } | undefined;
    expect(sent?.input.at(-1)).toEqual({ type: "compaction_trigger" });
  });

  it("answers errors like /v1/responses: a bad request before the backend, an unknown model, a refused method", async () => {
    harness = await createHarness();
    const bad = await request(harness.app)
      .post("/v1/responses/compact")
      .send({ model: "gpt-5.4", input: history, previous_response_id: "resp_1" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe("previous_response_id");
    const unknown = await request(harness.app)
      .post("/v1/responses/compact")
      .send({ model: "gpt-0", input: history });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("model_not_found");
    const get = await request(harness.app).get("/v1/responses/compact");
    expect(get.status).toBe(405);
    expect(compactRequests()).toHaveLength(0);
  });
});
