import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Ollama } from "ollama";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { createOllamaListener } from "./ollama-port.js";

// End to end through the official `ollama` npm client (exact version in package.json): the app on the
// Ollama listener of a real loopback port, the testkit's fake backend behind it.

const REPLY = "Hello from the fake Codex backend.";

let harness: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await harness?.close();
  harness = undefined;
});

async function startOllama(scenario?: string): Promise<{ ollama: Ollama; host: string; harness: Harness }> {
  harness = await createHarness(scenario === undefined ? {} : { scenario });
  server = createServer(createOllamaListener(harness.app)).listen(0, "127.0.0.1");
  await new Promise((resolve) => server?.once("listening", resolve));
  const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { ollama: new Ollama({ host }), host, harness };
}

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
};

describe("the ollama npm client against the proxy", () => {
  it("chat without streaming: one object with the whole message, done_reason and token counts", async () => {
    const { ollama, harness } = await startOllama("text");
    const answer = await ollama.chat({
      model: "gpt-5.4:latest",
      messages: [{ role: "user", content: "Hi" }],
      stream: false,
    });
    expect(answer.model).toBe("gpt-5.4:latest");
    expect(answer.message).toEqual({ role: "assistant", content: REPLY });
    expect(answer.done).toBe(true);
    expect(answer.done_reason).toBe("stop");
    expect(answer.eval_count).toBeGreaterThan(0);
    expect(answer.prompt_eval_count).toBeGreaterThan(0);
    expect(answer.total_duration).toBeGreaterThanOrEqual(answer.eval_duration);
    expect(Number.isNaN(new Date(answer.created_at).getTime())).toBe(false);
    expect(harness.upstreamBodies()[0]).toMatchObject({ model: "gpt-5.4", stream: true, store: false });
  });

  it("chat streaming: pieces as they come, then a done line; thinking in its own field", async () => {
    const { ollama } = await startOllama("reasoning");
    const stream = await ollama.chat({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "Think, then answer." }],
      stream: true,
      think: "high",
    });
    let content = "";
    let thinking = "";
    const parts = [];
    for await (const part of stream) {
      parts.push(part);
      content += part.message.content;
      thinking += part.message.thinking ?? "";
    }
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.at(-1)).toMatchObject({ done: true, done_reason: "stop" });
    expect(parts.slice(0, -1).every((part) => part.done === false)).toBe(true);
    expect(content).not.toBe("");
    expect(thinking).not.toBe("");
    expect((harness as Harness).upstreamBodies()[0]).toMatchObject({ reasoning: { effort: "high" } });
  });

  it("runs a tool loop: calls with object arguments and ids, the result goes back tied to its call", async () => {
    const { ollama, harness } = await startOllama("tools");
    const messages: Parameters<Ollama["chat"]>[0]["messages"] = [
      { role: "user", content: "Weather in Paris?" },
    ];
    const first = await ollama.chat({ model: "gpt-5.4", messages, tools: [weatherTool], stream: false });
    const calls = first.message.tool_calls ?? [];
    expect(calls).toHaveLength(1);
    expect(calls[0]?.function).toMatchObject({ name: "get_weather", arguments: { location: "Paris" } });
    messages?.push(first.message);
    messages?.push({ role: "tool", content: "11 degrees", tool_name: "get_weather" });
    harness.codex.setScenario("text");
    const stream = await ollama.chat({ model: "gpt-5.4", messages, tools: [weatherTool], stream: true });
    let content = "";
    for await (const part of stream) content += part.message.content;
    expect(content).toBe(REPLY);
    const input = harness.upstreamBodies()[1]?.["input"] as Array<Record<string, unknown>>;
    const call = input.find((item) => item["type"] === "function_call");
    const output = input.find((item) => item["type"] === "function_call_output");
    expect(call).toMatchObject({ name: "get_weather", arguments: '{"location":"Paris"}' });
    expect(output).toMatchObject({ call_id: call?.["call_id"], output: "11 degrees" });
    expect((calls[0] as { id?: string }).id).toBe(call?.["call_id"]);
  });

  it("format with a JSON schema asks the backend for structured output", async () => {
    const { ollama, harness } = await startOllama("text");
    const schema = {
      type: "object",
      properties: { age: { type: "integer" }, available: { type: "boolean" } },
      required: ["age", "available"],
    };
    await ollama.chat({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "JSON please" }],
      format: schema,
      stream: false,
    });
    await ollama.generate({ model: "gpt-5.4", prompt: "JSON please", format: "json", stream: false });
    const [chat, generate] = harness.upstreamBodies();
    expect(chat?.["text"]).toMatchObject({
      format: { type: "json_schema", name: "ollama_format", schema, strict: false },
    });
    expect(generate?.["text"]).toMatchObject({ format: { type: "json_object" } });
  });

  it("generate, streamed and not: `response` pieces, system as instructions, images as data URLs", async () => {
    const { ollama, harness } = await startOllama("echo");
    const whole = await ollama.generate({
      model: "gpt-5.4",
      prompt: "Say hello",
      system: "Be kind.",
      stream: false,
    });
    expect(whole).toMatchObject({ model: "gpt-5.4", response: "Say hello", done: true, done_reason: "stop" });
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const stream = await ollama.generate({
      model: "gpt-5.4",
      prompt: "Describe",
      images: [png],
      stream: true,
    });
    let text = "";
    let last: { done: boolean } | undefined;
    for await (const part of stream) {
      text += part.response;
      last = part;
    }
    expect(text).toBe("Describe");
    expect(last?.done).toBe(true);
    const [first, second] = harness.upstreamBodies();
    expect(first?.["instructions"]).toBe("Be kind.");
    expect(JSON.stringify(second?.["input"])).toContain(`data:image/png;base64,${png}`);
  });

  it("list and show: the catalog as Ollama models, with context length and capabilities", async () => {
    const { ollama } = await startOllama();
    const list = await ollama.list();
    const names = list.models.map((model) => model.name);
    expect(names).toContain("gpt-5.4:latest");
    expect(names).not.toContain("codex-auto-review:latest");
    const listed = list.models.find((model) => model.name === "gpt-5.4:latest");
    expect(listed?.details).toMatchObject({ family: "gpt", format: "api" });
    expect(listed?.digest).toMatch(/^[0-9a-f]{64}$/);
    const show = await ollama.show({ model: "gpt-5.4:latest" });
    expect(show.capabilities).toEqual(["completion", "tools", "thinking", "vision"]);
    expect((show.model_info as unknown as Record<string, unknown>)["gpt.context_length"]).toBe(272000);
    const spark = await ollama.show({ model: "gpt-5.3-codex-spark" });
    expect(spark.capabilities).not.toContain("vision");
    expect(await ollama.ps()).toEqual({ models: [] });
    expect((await ollama.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("an unknown model is Ollama's 404 `model '<name>' not found`", async () => {
    const { ollama } = await startOllama("text");
    const chat = ollama.chat({
      model: "llama3.2:latest",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    await expect(chat).rejects.toMatchObject({
      status_code: 404,
      error: "model 'llama3.2:latest' not found",
    });
    await expect(ollama.show({ model: "mistral" })).rejects.toMatchObject({
      status_code: 404,
      error: "model 'mistral' not found",
    });
  });

  it("a stream that fails after it started ends with an error line, which the client throws", async () => {
    const { ollama } = await startOllama("cut");
    const stream = await ollama.chat({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    const read = async () => {
      for await (const _part of stream) {
        // read to the end
      }
    };
    await expect(read()).rejects.toThrow(/stream/i);
  });

  it("a failure before any output is an HTTP error with Ollama's body", async () => {
    const { ollama } = await startOllama("usage-limit");
    await expect(
      ollama.chat({ model: "gpt-5.4", messages: [{ role: "user", content: "Hi" }], stream: true }),
    ).rejects.toMatchObject({ status_code: 429, error: expect.stringContaining("usage limit") });
  });

  it("answers GET and HEAD / like Ollama on the Ollama port", async () => {
    const { host } = await startOllama();
    const get = await fetch(`${host}/`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe("Ollama is running");
    const head = await fetch(`${host}/`, { method: "HEAD" });
    expect(head.status).toBe(200);
  });
});
