import type { ServerProcess } from "@cmp/testkit";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnvironment, type Environment, startBuiltServer } from "./e2e-environment.js";

let environment: Environment;
let server: ServerProcess;
let client: OpenAI;

beforeAll(async () => {
  environment = await createEnvironment();
  server = await startBuiltServer(environment.env);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused-on-loopback", maxRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
  await environment?.cleanup();
});

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("openai SDK against the built server", () => {
  it("creates a non-streaming chat completion", async () => {
    environment.upstream.codex.setScenario("text");
    const completion = await client.chat.completions.create({
      model: "gpt-5.4",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Say hello" },
      ],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message.content).toBe("Hello from the fake Codex backend.");
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("streams a chat completion chunk by chunk", async () => {
    environment.upstream.codex.setScenario("text");
    const stream = await client.chat.completions.create({
      model: "gpt-5.4",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Say hello" }],
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello from the fake Codex backend.");
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("assembles a final completion with the stream helpers", async () => {
    environment.upstream.codex.setScenario("text");
    const runner = client.chat.completions.stream({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "Hi" }],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe("Hello from the fake Codex backend.");
    expect(final.choices[0]?.finish_reason).toBe("stop");
  });

  it("runs a tool-call loop with runTools", async () => {
    environment.upstream.codex.setScenario((request) =>
      JSON.stringify(request.body["input"]).includes("function_call_output") ? "text" : "tools",
    );
    const calls: string[] = [];
    const runner = client.chat.completions.runTools({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: {
            ...weatherTool.function,
            function: (args: { city: string }) => {
              calls.push(args.city ?? "?");
              return { temperature: 21 };
            },
            parse: (input: string) => JSON.parse(input) as { city: string },
          },
        },
      ],
    });
    const content = await runner.finalContent();
    expect(calls).toHaveLength(1);
    expect(content).toBe("Hello from the fake Codex backend.");
    const secondTurn = environment.upstream.codex.requests.at(-1)?.body as { input: { type: string }[] };
    expect(secondTurn.input.map((item) => item.type)).toContain("function_call_output");
  });

  it("streams tool calls the stream helper can assemble", async () => {
    environment.upstream.codex.setScenario("tools");
    const runner = client.chat.completions.stream({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type === "function" ? call.function.name : "").toBe("get_weather");
  });

  it("lists and retrieves models", async () => {
    const page = await client.models.list();
    expect(page.data.length).toBeGreaterThan(0);
    const model = await client.models.retrieve("gpt-5.4");
    expect(model.id).toBe("gpt-5.4");
  });

  it("uses the Responses API, streaming and not", async () => {
    environment.upstream.codex.setScenario("text");
    const response = await client.responses.create({ model: "gpt-5.4", input: "Say hello" });
    expect(response.output_text).toBe("Hello from the fake Codex backend.");
    const stream = await client.responses.create({ model: "gpt-5.4", input: "Say hello", stream: true });
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    expect(text).toBe("Hello from the fake Codex backend.");
  });

  it("surfaces errors as the SDK's typed errors", async () => {
    await expect(
      client.chat.completions.create({ model: "gpt-nope", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    environment.upstream.codex.setScenario("usage-limit");
    const limited = await client.chat.completions
      .create({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("usage_limit_reached");
    await expect(
      client.chat.completions.create({ model: "gpt-5.4", messages: [], temperature: 9 }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    environment.upstream.codex.setScenario(null);
  });

  it("throws mid-stream when the upstream fails after the first byte", async () => {
    environment.upstream.codex.setScenario({
      eventDelayMs: 10,
      events: [
        { type: "response.created", response: { id: "resp_x", status: "in_progress" } },
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { type: "message", id: "msg_1", role: "assistant", content: [] },
        },
        {
          type: "response.output_text.delta",
          item_id: "msg_1",
          output_index: 0,
          content_index: 0,
          delta: "partial",
        },
      ],
      end: "reset",
    });
    const stream = await client.chat.completions.create({
      model: "gpt-5.4",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(text).toBe("partial");
    expect(error).toBeInstanceOf(OpenAI.APIError);
    environment.upstream.codex.setScenario(null);
  });
});
