import { buildResponseEvents, encodeSseEvents } from "@cmp/testkit";
import { createChatCompletionSseBody, readableByteSource } from "@cmp/transform";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, sseData } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const user = (content: string) => [{ role: "user", content }];

describe("POST /v1/chat/completions", () => {
  it("answers non-streaming with one chat.completion, usage and the quota headers", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: user("hi") });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: "chat.completion",
      model: "gpt-5.4",
      choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "stop" }],
    });
    expect(res.body.choices[0].message.content.length).toBeGreaterThan(0);
    expect(res.body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(res.headers["x-codex-primary-used-percent"]).toBe("42.5");
    const sent = harness.upstreamBodies()[0];
    expect(sent).toMatchObject({ model: "gpt-5.4", store: false, stream: true });
    expect(harness.codex.requests[0]?.headers["session-id"]).toBe(sent?.["prompt_cache_key"]);
  });

  it("streams SSE with the right headers, one role, a finish chunk, usage on request and [DONE]", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({
        model: "gpt-5.4",
        stream: true,
        stream_options: { include_usage: true },
        messages: user("hi"),
      });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers["x-accel-buffering"]).toBe("no");
    const events = sseData(res.text);
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1) as {
      choices: { delta: { role?: string }; finish_reason: string | null }[];
      usage?: unknown;
    }[];
    expect(chunks.filter((c) => c.choices[0]?.delta.role === "assistant")).toHaveLength(1);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === "stop")).toHaveLength(1);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: expect.any(Number) });
  });

  it("says what it changed in x-cmp-warnings", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", temperature: 0.2, max_tokens: 100, messages: user("hi") });
    expect(res.status).toBe(200);
    expect(res.headers["x-cmp-warnings"]).toMatch(/temperature/);
    expect(res.headers["x-cmp-warnings"]).toMatch(/; /);
    expect(harness.upstreamBodies()[0]).not.toHaveProperty("temperature");
  });

  it("validates like OpenAI: a wrong type is a 400 naming the param", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", temperature: "hot", messages: user("hi") });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe("temperature");
    expect(harness.upstreamBodies()).toHaveLength(0);
  });

  it("streams tool calls with index and id, ending with finish_reason tool_calls", async () => {
    harness = await createHarness({ scenario: "tools" });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({
        model: "gpt-5.4",
        stream: true,
        messages: user("weather?"),
        tools: [
          {
            type: "function",
            function: { name: "get_weather", parameters: { type: "object", properties: {} } },
          },
        ],
      });
    const chunks = sseData(res.text).slice(0, -1) as {
      choices: { delta: { tool_calls?: { index: number; id?: string }[] }; finish_reason: string | null }[];
    }[];
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, id: expect.any(String) });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("turns a failure before the first byte into an HTTP error", async () => {
    harness = await createHarness({ scenario: "failed" });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", stream: true, messages: user("hi") });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("context_length_exceeded");
  });

  it("closes the upstream connection when a stream fails before any output and its body does not end", async () => {
    harness = await createHarness({
      scenario: {
        events: buildResponseEvents({
          end: { type: "failed", code: "context_length_exceeded", message: "too long" },
        }),
        end: "stall",
      },
    });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", stream: true, messages: user("hi") });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("context_length_exceeded");
    expect(await harness.codex.waitForClose(0)).toEqual({ requestIndex: 0, aborted: true });
  });

  it("closes the other upstream answers when one of n choices fails", async () => {
    let calls = 0;
    harness = await createHarness({
      scenario: () =>
        ++calls === 1
          ? { name: "stall", events: [], end: "stall" }
          : {
              name: "failed",
              status: 400,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ error: { message: "bad", type: "invalid_request_error", code: null } }),
            },
    });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", n: 2, messages: user("hi") });
    expect(res.status).toBe(400);
    expect(await harness.codex.waitForClose(0)).toEqual({ requestIndex: 0, aborted: true });
  });

  it("ends a stream that fails mid-way with an error event and [DONE], not a clean stop", async () => {
    harness = await createHarness({
      scenario: {
        eventDelayMs: 15,
        events: buildResponseEvents({
          items: [{ type: "message", text: "partial answer" }],
          end: { type: "error", code: "server_is_overloaded", message: "overloaded" },
        }),
      },
    });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", stream: true, messages: user("hi") });
    expect(res.status).toBe(200);
    const events = sseData(res.text);
    expect(events.at(-1)).toBe("[DONE]");
    expect(events.at(-2)).toMatchObject({ error: { code: expect.any(String) } });
    expect(res.text).not.toContain('"finish_reason":"stop"');
    expect(res.text).toContain("partial");
  });

  it("reports a connection cut mid-stream as an error event", async () => {
    harness = await createHarness({
      scenario: {
        eventDelayMs: 15,
        events: buildResponseEvents({ items: [{ type: "message", text: "a b c d" }], end: { type: "none" } }),
        end: "reset",
      },
    });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", stream: true, messages: user("hi") });
    const events = sseData(res.text);
    expect(events.at(-1)).toBe("[DONE]");
    expect(events.at(-2)).toMatchObject({ error: { code: expect.any(String) } });
  });

  it("maps the usage limit to 429 with Retry-After", async () => {
    harness = await createHarness({ scenario: "usage-limit" });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: user("hi") });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe("usage_limit_reached");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("answers 401 not_logged_in naming the login command", async () => {
    harness = await createHarness({ loggedIn: false });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: user("hi") });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("not_logged_in");
    expect(res.body.error.message).toContain("cmp-server login");
  });

  it("answers 404 model_not_found listing the available ids", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-99-imaginary", messages: user("hi") });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("model_not_found");
    expect(res.body.error.message).toContain("gpt-5.4");
  });

  it("sends keep-alive comments while the model is silent", async () => {
    harness = await createHarness({
      scenario: { eventDelayMs: 120, events: [] },
      config: { keepAliveMs: 30 },
    });
    harness.codex.setScenario("slow");
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", stream: true, messages: user("hi") });
    expect(res.text).toContain(": keep-alive\n\n");
    expect(sseData(res.text).at(-1)).toBe("[DONE]");
  });

  it("runs n upstream requests and merges the choices", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", n: 2, messages: user("hi") });
    expect(res.body.choices.map((c: { index: number }) => c.index)).toEqual([0, 1]);
    expect(harness.upstreamBodies()).toHaveLength(2);
    const streamed = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", n: 2, stream: true, messages: user("hi") });
    const indexes = new Set(
      (sseData(streamed.text).slice(0, -1) as { choices: { index: number }[] }[]).flatMap((c) =>
        c.choices.map((x) => x.index),
      ),
    );
    expect([...indexes].sort()).toEqual([0, 1]);
  });

  it("cuts the answer at a stop sequence", async () => {
    harness = await createHarness();
    harness.codex.setScenario("echo");
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", stop: ["STOP"], messages: user("keep this STOP not this") });
    expect(res.body.choices[0].message.content).not.toContain("not this");
    expect(res.body.choices[0].finish_reason).toBe("stop");
  });

  it("streams exactly the bytes of transform's createChatCompletionSseBody for the same backend events", async () => {
    const now = 1_800_000_000_000;
    const events = buildResponseEvents({
      responseId: "resp_parity",
      items: [
        { type: "reasoning", summary: ["Thinking **hard**."] },
        { type: "message", text: 'Hello, "world" 日本語 🚀\nline two' },
        { type: "function_call", name: "lookup", arguments: '{"q":"x"}', callId: "call_1" },
      ],
    });
    harness = await createHarness({ scenario: { events }, now: () => now });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }], stream: true });
    expect(res.status).toBe(200);
    const expected = createChatCompletionSseBody(
      readableByteSource(new Response(encodeSseEvents(events)).body as ReadableStream<Uint8Array>),
      {
        model: "gpt-5.4",
        created: Math.floor(now / 1000),
        reasoningOutput: "fields",
        stop: null,
        legacyFunctionCall: false,
        includeUsage: false,
      },
    );
    expect(res.text).toBe(await expected.body.text());
    for (const part of ['"reasoning_content"', '"tool_calls"', "日本語", "data: [DONE]"]) {
      expect(res.text).toContain(part);
    }
  });
});
