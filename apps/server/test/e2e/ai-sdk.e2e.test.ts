import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { ServerProcess } from "@cmp/testkit";
import { generateText, type LanguageModel, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createEnvironment, type Environment, startBuiltServer } from "./e2e-environment.js";

let environment: Environment;
let server: ServerProcess;
let models: [string, LanguageModel][];

beforeAll(async () => {
  environment = await createEnvironment();
  server = await startBuiltServer(environment.env);
  const baseURL = `${server.url}/v1`;
  const compatible = createOpenAICompatible({ name: "cmp", baseURL, apiKey: "unused", includeUsage: true });
  const openai = createOpenAI({ baseURL, apiKey: "unused" });
  models = [
    ["openai-compatible (chat)", compatible("gpt-5.4")],
    ["createOpenAI().chat", openai.chat("gpt-5.4")],
    ["createOpenAI().responses", openai.responses("gpt-5.4")],
  ];
});
afterAll(async () => {
  await server?.stop();
  await environment?.cleanup();
});

const REPLY = "Hello from the fake Codex backend.";

const weather = tool({
  description: "Weather for a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async () => ({ temperature: 21 }),
});

describe("Vercel AI SDK against the built server", () => {
  it("generateText works through every provider", async () => {
    environment.upstream.codex.setScenario("text");
    for (const [name, model] of models) {
      const result = await generateText({ model, prompt: "Say hello", maxRetries: 0 });
      expect(result.text, name).toBe(REPLY);
      expect(result.usage.inputTokens, name).toBeGreaterThan(0);
    }
  });

  it("streamText works through every provider", async () => {
    environment.upstream.codex.setScenario("text");
    for (const [name, model] of models) {
      const result = streamText({ model, prompt: "Say hello", maxRetries: 0 });
      let text = "";
      for await (const part of result.textStream) text += part;
      expect(text, name).toBe(REPLY);
      expect(await result.finishReason, name).toBe("stop");
    }
  });

  it("runs tool calls and feeds the results back", async () => {
    for (const [name, model] of models) {
      const before = environment.upstream.codex.requests.length;
      environment.upstream.codex.setScenario((request) =>
        JSON.stringify(request.body["input"]).includes("function_call_output") ? "text" : "tools",
      );
      const result = await generateText({
        model,
        prompt: "Weather in Paris?",
        tools: { get_weather: weather },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      });
      expect(result.steps[0]?.toolCalls[0]?.toolName, name).toBe("get_weather");
      expect(result.text, name).toBe(REPLY);
      expect(environment.upstream.codex.requests.length - before, name).toBe(2);
    }
  });

  it("streams tool calls", async () => {
    for (const [name, model] of models) {
      environment.upstream.codex.setScenario("tools");
      const result = streamText({
        model,
        prompt: "Weather?",
        tools: { get_weather: weather },
        maxRetries: 0,
      });
      const calls = await result.toolCalls;
      expect(calls[0]?.toolName, name).toBe("get_weather");
    }
    environment.upstream.codex.setScenario(null);
  });
});
