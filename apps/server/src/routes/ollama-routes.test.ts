import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { eventually } from "../testing/eventually.js";
import { readOllamaModelName } from "./ollama-model-name.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  harness = await createHarness(options);
  return harness;
}

const lines = (text: string) =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("readOllamaModelName", () => {
  it("drops :latest, keeps effort tags and aliases, drops other tags with a warning", () => {
    expect(readOllamaModelName("gpt-5.4:latest", {})).toEqual({ model: "gpt-5.4", warnings: [] });
    expect(readOllamaModelName("gpt-5.4:high", {})).toEqual({ model: "gpt-5.4:high", warnings: [] });
    expect(readOllamaModelName("gpt-5.4:8b-q4", {})).toEqual({
      model: "gpt-5.4",
      warnings: ["model tag ':8b-q4' ignored; using 'gpt-5.4'"],
    });
    expect(readOllamaModelName("llama3.2:3b", { "LLAMA3.2:3B": "gpt-5.4-mini" })).toEqual({
      model: "llama3.2:3b",
      warnings: [],
    });
    expect(readOllamaModelName("localhost:5000/gpt-5.4", {})).toEqual({
      model: "localhost:5000/gpt-5.4",
      warnings: [],
    });
  });
});

describe("the Ollama routes", () => {
  it("streams NDJSON with Ollama's content type, records api 'ollama', and reports a dropped tag in x-cmp-warnings", async () => {
    const { app } = await start({ scenario: "text" });
    const res = await request(app)
      .post("/api/chat")
      .send({
        model: "gpt-5.4:8b",
        messages: [{ role: "user", content: "Hi" }],
        options: { temperature: 0.2 },
      })
      .buffer(true)
      .parse((response, done) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
        });
        response.on("end", () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/x-ndjson");
    expect(res.headers["x-cmp-warnings"]).toContain("model tag ':8b' ignored");
    expect(res.headers["x-cmp-warnings"]).toContain("option 'temperature' is not supported");
    const objects = lines(res.body as string);
    expect(objects.at(-1)).toMatchObject({ model: "gpt-5.4:8b", done: true, done_reason: "stop" });
    await eventually(() => app.context.tracker.recent().length > 0, "the request record");
    expect(app.context.tracker.recent().at(-1)).toMatchObject({
      api: "ollama",
      stream: true,
      slug: "gpt-5.4",
      status: 200,
    });
  });

  it("keeps a slow stream alive with empty NDJSON pieces, never SSE comments", async () => {
    const { app } = await start({ scenario: "slow", config: { keepAliveMs: 10 } });
    const res = await request(app)
      .post("/api/generate")
      .send({ model: "gpt-5.4", prompt: "Hi" })
      .buffer(true)
      .parse((response, done) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
        });
        response.on("end", () => done(null, text));
      });
    const text = res.body as string;
    expect(text).not.toContain(": keep-alive");
    const objects = lines(text);
    expect(objects.some((o) => o["response"] === "" && o["done"] === false)).toBe(true);
    expect(objects.map((o) => o["response"]).join("")).toBe("Hello from the fake Codex backend.");
  });

  it("answers a request without a conversation as Ollama's load (and unload)", async () => {
    const { app, upstreamBodies } = await start();
    const load = await request(app).post("/api/chat").send({ model: "gpt-5.4" });
    expect(load.status).toBe(200);
    expect(load.body).toMatchObject({
      model: "gpt-5.4",
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: "load",
    });
    const unload = await request(app).post("/api/generate").send({ model: "gpt-5.4", keep_alive: 0 });
    expect(unload.body).toMatchObject({ response: "", done: true, done_reason: "unload" });
    expect(upstreamBodies()).toHaveLength(0);
    const missing = await request(app).post("/api/generate").send({ model: "nope" });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: "model 'nope' not found" });
  });

  it("answers every error under /api/ in Ollama's shape: bad JSON, wrong method, unknown path, a refused key", async () => {
    const { app } = await start({ config: { apiKeys: ["sk-test"] } });
    const noKey = await request(app).post("/api/chat").send({ model: "gpt-5.4" });
    expect(noKey.status).toBe(401);
    expect(noKey.body).toEqual({ error: expect.any(String) });
    const auth = { authorization: "Bearer sk-test" };
    const badJson = await request(app)
      .post("/api/chat")
      .set(auth)
      .set("content-type", "application/json")
      .send("{nope");
    expect(badJson.status).toBe(400);
    expect(badJson.body).toEqual({ error: "The request body is not valid JSON." });
    const badField = await request(app)
      .post("/api/chat")
      .set(auth)
      .send({ model: "gpt-5.4", messages: "hi" });
    expect(badField.status).toBe(400);
    expect(badField.body).toEqual({ error: expect.stringContaining("messages") });
    const method = await request(app).get("/api/chat").set(auth);
    expect(method.status).toBe(405);
    expect(method.headers["allow"]).toBe("POST");
    expect(method.body).toEqual({ error: expect.any(String) });
    const unknown = await request(app).post("/api/pull").set(auth).send({ model: "llama3" });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: expect.any(String) });
    // The OpenAI routes keep OpenAI's shape.
    const openai = await request(app).get("/v1/nothing").set(auth);
    expect(openai.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("serves /api/ under a profile prefix, and lists effort tags for the openwebui profile", async () => {
    const { app } = await start();
    const plain = await request(app).get("/api/tags");
    expect(plain.body.models.map((m: { name: string }) => m.name)).not.toContain("gpt-5.4:high");
    const profiled = await request(app).get("/profile/openwebui/api/tags");
    expect(profiled.status).toBe(200);
    expect(profiled.body.models.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining(["gpt-5.4:latest", "gpt-5.4:high", "gpt-5.4:low"]),
    );
    const head = await request(app).head("/api/tags");
    expect(head.status).toBe(200);
    const version = await request(app).get("/api/version");
    expect(version.body).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it("answers GET / with the server's own description on the main port", async () => {
    const { app } = await start();
    const res = await request(app).get("/");
    expect(res.body).toMatchObject({ name: "chatgpt-max-proxy" });
  });

  it("reads an effort tag as the reasoning effort, and think: false as the least effort without thinking", async () => {
    const { app, upstreamBodies } = await start({ scenario: "reasoning" });
    await request(app)
      .post("/api/chat")
      .send({ model: "gpt-5.4:xhigh", messages: [{ role: "user", content: "Hi" }], stream: false });
    const quiet = await request(app)
      .post("/api/chat")
      .send({ model: "gpt-5.4", messages: [{ role: "user", content: "Hi" }], stream: false, think: false });
    expect(upstreamBodies()[0]).toMatchObject({ reasoning: { effort: "xhigh" } });
    expect(upstreamBodies()[1]).toMatchObject({ reasoning: { effort: "low" } });
    expect(quiet.body.message.thinking).toBeUndefined();
    expect(quiet.body.message.content).not.toBe("");
  });
});
