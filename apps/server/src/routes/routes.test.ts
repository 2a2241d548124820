import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ config: { bodyLimitBytes: 2048 } });
});
afterAll(async () => {
  await harness.close();
});

describe("routes and base-URL tolerance", () => {
  it("answers GET / and GET /v1 with JSON", async () => {
    for (const path of ["/", "/v1"]) {
      const res = await request(harness.app).get(path);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: "ok", name: "chatgpt-max-proxy" });
    }
  });

  it("serves /health without secrets", async () => {
    const res = await request(harness.app).get("/health");
    expect(res.body).toMatchObject({ status: "ok", version: "0.1.0-test" });
    expect(JSON.stringify(res.body)).not.toMatch(/tok-|acc_test/);
  });

  it("lists models with context sizes under /v1/models, /models and /v1/v1/models", async () => {
    for (const path of ["/v1/models", "/models", "/v1/v1/models"]) {
      const res = await request(harness.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.body.object).toBe("list");
      const first = res.body.data[0];
      expect(first).toMatchObject({ object: "model", owned_by: "openai", type: "model" });
      expect(first.context_length).toBe(first.context_window);
    }
  });

  it("answers one model and a JSON 404 listing ids for an unknown one", async () => {
    const list = await request(harness.app).get("/v1/models");
    const id = list.body.data[0].id as string;
    expect((await request(harness.app).get(`/v1/models/${id}`)).body.id).toBe(id);
    const missing = await request(harness.app).get("/v1/models/gpt-unknown");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("model_not_found");
    expect(missing.body.error.message).toContain(id);
  });

  it("gives a JSON 404 for unknown paths and a 405 for wrong methods", async () => {
    const unknown = await request(harness.app).get("/v1/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.headers["content-type"]).toMatch(/application\/json/);
    expect(unknown.body.error.code).toBe("not_found");
    const wrong = await request(harness.app).get("/v1/chat/completions");
    expect(wrong.status).toBe(405);
    expect(wrong.headers["allow"]).toBe("POST");
    expect(wrong.body.error.code).toBe("method_not_allowed");
    expect((await request(harness.app).delete("/v1/models")).status).toBe(405);
  });

  it("explains unsupported OpenAI endpoints with a non-retryable 404", async () => {
    for (const path of [
      "/v1/embeddings",
      "/v1/completions",
      "/v1/images/generations",
      "/v1/audio/speech",
      "/embeddings",
    ]) {
      const res = await request(harness.app).post(path).send({});
      expect(res.status, path).toBe(404);
      expect(res.headers["x-should-retry"], path).toBe("false");
      expect(res.body.error).toMatchObject({ code: "unsupported_endpoint", type: "invalid_request_error" });
    }
    const emb = await request(harness.app).post("/v1/embeddings").send({});
    expect(emb.body.error.message).toMatch(/embedding provider/);
  });

  it("rejects malformed JSON, wrong content types and oversized bodies with OpenAI errors", async () => {
    const bad = await request(harness.app)
      .post("/v1/chat/completions")
      .set("Content-Type", "application/json")
      .send('{"model": "gpt-5.4", "messages": [');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const text = await request(harness.app)
      .post("/v1/chat/completions")
      .set("Content-Type", "text/plain")
      .send("hi");
    expect(text.status).toBe(415);
    expect(text.body.error.type).toBe("invalid_request_error");
    const big = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: [{ role: "user", content: "x".repeat(5000) }] });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("request_too_large");
    const array = await request(harness.app).post("/v1/chat/completions").send([1, 2]);
    expect(array.status).toBe(400);
  });

  it("never answers with HTML and hides x-powered-by", async () => {
    const res = await request(harness.app).get("/%E0%A4%A");
    expect(res.headers["content-type"]).toMatch(/json/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });
});
