import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { buildResponseEvents, type ScenarioInput } from "@cmp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import type { AppConfig } from "../app-deps.js";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { eventually } from "../testing/eventually.js";

let harness: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await harness?.close();
  harness = undefined;
});

/** The app on a loopback port and an Anthropic SDK client pointed at it. */
async function startClient(scenario: ScenarioInput, config: Partial<AppConfig> = {}): Promise<Anthropic> {
  harness = await createHarness({ scenario, config });
  server = createServer(harness.app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server?.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: "unused-on-loopback", maxRetries: 0 });
}

const bodies = () => (harness as Harness).upstreamBodies();
const lastBody = () => bodies().at(-1) as Record<string, unknown>;
const HELLO = "Hello from the fake Codex backend.";

const weatherTool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { location: { type: "string" } },
    required: ["location"],
  },
};

describe("the official Anthropic SDK against /v1/messages", () => {
  it("messages.create answers a message; claude-sonnet is served by the catalog's default model", async () => {
    const client = await startClient("text");
    const { data: message, response } = await client.messages
      .create({
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: "Say hello" }],
      })
      .withResponse();
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe("claude-sonnet-4-5");
    expect(message.content).toEqual([{ type: "text", text: HELLO }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0)).toBeGreaterThan(0);
    expect(lastBody()["model"]).toBe("gpt-5.6-terra");
    expect(lastBody()["instructions"]).toBe("You are terse.");
    expect(response.headers.get("x-cmp-warnings")).toContain('is served by "gpt-5.6-terra"');
    const tracker = (harness as Harness).app.context.tracker;
    await eventually(() => tracker.recent().length > 0, "the request record");
    expect(tracker.recent().at(-1)).toMatchObject({ api: "messages", slug: "gpt-5.6-terra", status: 200 });
  });

  it("messages.stream streams the text live, and finalMessage() equals what was streamed", async () => {
    const client = await startClient("text");
    const stream = client.messages.stream({
      model: "claude-opus-4-1",
      max_tokens: 1024,
      messages: [{ role: "user", content: "Say hello" }],
    });
    const types: string[] = [];
    let text = "";
    stream.on("streamEvent", (event) => types.push(event.type));
    stream.on("text", (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe(HELLO);
    expect(final.content).toEqual([{ type: "text", text: HELLO }]);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(final.stop_reason).toBe("end_turn");
    expect(lastBody()["model"]).toBe("gpt-5.6-sol");
  });

  it("runs a tool loop: tool_use → tool_result → answer", async () => {
    const client = await startClient("tools");
    const params = {
      model: "claude-haiku-4-5",
      max_tokens: 1024,
      tools: [weatherTool],
      messages: [{ role: "user" as const, content: "Weather in Paris?" }],
    };
    const first = await client.messages.stream(params).finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((block) => block.type === "tool_use");
    expect(call).toMatchObject({ type: "tool_use", name: "get_weather", input: { location: "Paris" } });
    expect(lastBody()["model"]).toBe("gpt-5.4-mini");
    (harness as Harness).codex.setScenario("text");
    const second = await client.messages.create({
      ...params,
      messages: [
        ...params.messages,
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: (call as { id: string }).id, content: '{"temperature":21}' },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: HELLO }]);
    const input = lastBody()["input"] as Record<string, unknown>[];
    expect(input.filter((item) => item["type"] === "function_call")).toHaveLength(1);
    expect(input.at(-1)).toEqual({
      type: "function_call_output",
      call_id: (call as { id: string }).id,
      output: '{"temperature":21}',
    });
  });

  it("sends thinking blocks back on the next turn and the backend gets its encrypted reasoning again", async () => {
    const client = await startClient({
      events: buildResponseEvents({
        items: [
          { type: "reasoning", summary: ["Need the weather."], encryptedContent: "ENCRYPTED-REASONING-1" },
          {
            type: "function_call",
            name: "get_weather",
            arguments: '{"location":"Paris"}',
            callId: "call_w1",
          },
        ],
      }),
    });
    const params = {
      model: "claude-sonnet-4-5",
      max_tokens: 16000,
      thinking: { type: "enabled" as const, budget_tokens: 10000 },
      tools: [weatherTool],
      messages: [{ role: "user" as const, content: "Weather in Paris?" }],
    };
    let thinking = "";
    const stream = client.messages.stream(params);
    stream.on("thinking", (delta) => {
      thinking += delta;
    });
    const first = await stream.finalMessage();
    expect(first.content[0]).toEqual({
      type: "thinking",
      thinking: "Need the weather.",
      signature: "cmp1.ENCRYPTED-REASONING-1",
    });
    expect(thinking).toBe("Need the weather.");
    expect((lastBody()["reasoning"] as { effort: string }).effort).toBe("medium");
    (harness as Harness).codex.setScenario("text");
    await client.messages.create({
      ...params,
      messages: [
        ...params.messages,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_w1", content: "21C" }] },
      ],
    });
    const input = lastBody()["input"] as Record<string, unknown>[];
    expect(input[1]).toEqual({
      type: "reasoning",
      summary: [{ type: "summary_text", text: "Need the weather." }],
      encrypted_content: "ENCRYPTED-REASONING-1",
    });
    expect(input[2]).toMatchObject({ type: "function_call", call_id: "call_w1" });
  });

  it("sends an image to the backend as a data URL", async () => {
    const client = await startClient("text");
    await client.messages.create({
      model: "gpt-5.4",
      max_tokens: 100,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "text", text: "What is this?" },
          ],
        },
      ],
    });
    const input = lastBody()["input"] as { content: unknown[] }[];
    expect(input[0]?.content[0]).toEqual({
      type: "input_image",
      image_url: "data:image/png;base64,iVBORw0KGgo=",
      detail: "auto",
    });
  });

  it("enforces stop_sequences, stream and not", async () => {
    const client = await startClient("echo");
    const params = {
      model: "gpt-5.4",
      max_tokens: 100,
      stop_sequences: ["STOP"],
      messages: [{ role: "user" as const, content: "one two STOP three four" }],
    };
    const created = await client.messages.create(params);
    expect(created.content).toEqual([{ type: "text", text: "one two " }]);
    expect(created.stop_reason).toBe("stop_sequence");
    expect(created.stop_sequence).toBe("STOP");
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(created.content);
    expect(streamed.stop_sequence).toBe("STOP");
  });

  it("throws a typed RateLimitError on a usage limit, with Anthropic's error body", async () => {
    const client = await startClient("usage-limit");
    const params = { model: "gpt-5.4", max_tokens: 10, messages: [{ role: "user" as const, content: "Hi" }] };
    for (const call of [
      () => client.messages.create(params),
      () => client.messages.stream(params).finalMessage(),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const typed = error as InstanceType<typeof Anthropic.RateLimitError>;
      expect(typed.status).toBe(429);
      expect(typed.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
      expect(typed.headers?.get("retry-after")).toBeTruthy();
    }
  });

  it("answers an overloaded backend with 529 overloaded_error, and a failure mid-stream as event: error", async () => {
    const client = await startClient("unavailable", { overloadRetries: 0 });
    const error = await client.messages
      .create({ model: "gpt-5.4", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: "overloaded_error" },
    });
    (harness as Harness).codex.setScenario("error-event");
    const streamed = await client.messages
      .stream({ model: "gpt-5.4", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })
      .finalMessage()
      .catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(Anthropic.APIError);
    expect((streamed as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: "error",
      error: { type: "overloaded_error" },
    });
  });

  it("answers an unknown model with not_found_error listing the available models", async () => {
    const client = await startClient("text");
    const error = await client.messages
      .create({ model: "claude-instant-1.2", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    const body = (error as InstanceType<typeof Anthropic.NotFoundError>).error as {
      error: { type: string; message: string };
    };
    expect(body.error.type).toBe("not_found_error");
    expect(body.error.message).toContain("gpt-5.6-terra");
  });

  it("lets a user alias win over the Claude family default", async () => {
    const client = await startClient("text", { modelAliases: { "claude-sonnet-4-5": "gpt-5.4" } });
    await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(lastBody()["model"]).toBe("gpt-5.4");
  });

  it("counts tokens (an estimate) and lists models in Anthropic's shape", async () => {
    const client = await startClient("text");
    const counted = await client.messages.countTokens({
      model: "claude-sonnet-4-5",
      system: "You are terse.",
      messages: [{ role: "user", content: "Hello there, how are you today?" }],
    });
    expect(counted.input_tokens).toBeGreaterThan(5);
    expect(bodies()).toHaveLength(0);
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models[0]).toMatchObject({ type: "model", id: "gpt-5.6-sol", display_name: "GPT-5.6-Sol" });
    expect(Date.parse(models[0]?.created_at ?? "")).toBeGreaterThan(0);
    const one = await client.models.retrieve("gpt-5.4");
    expect(one).toMatchObject({ type: "model", id: "gpt-5.4" });
  });
});
