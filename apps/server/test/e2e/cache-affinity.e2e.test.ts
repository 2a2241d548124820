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

// A system prompt and tools worth ~2 000 tokens: the shared prefix every turn can hit.
const SYSTEM = `You are a careful travel assistant. ${"Check the weather tool before you answer. ".repeat(160)}`;
const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
];
const CITIES = [
  "Paris",
  "Tokyo",
  "Lima",
  "Oslo",
  "Cairo",
  "Perth",
  "Quito",
  "Seoul",
  "Rome",
  "Dakar",
  "Hanoi",
  "Bern",
];

describe("prompt-cache affinity through the openai SDK", () => {
  it("reaches >= 90% of an ideal single server's cached tokens over a 12-turn tool-calling conversation", async () => {
    const codex = environment.upstream.codex;
    codex.setCacheModel({ servers: 4 });
    // A tool call for a new question, then text once the tool answered: one tool round per turn.
    codex.setScenario((request) => {
      const input = request.body["input"] as { type?: string }[];
      return input.at(-1)?.type === "function_call_output" ? "text" : "tools";
    });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "system", content: SYSTEM }];
    const reported: number[] = [];
    const record = (usage: OpenAI.CompletionUsage | null | undefined) =>
      reported.push(usage?.prompt_tokens_details?.cached_tokens ?? -1);

    for (const [turn, city] of CITIES.entries()) {
      messages.push({ role: "user", content: `Turn ${turn + 1}: what is the weather in ${city}?` });
      const asked = await client.chat.completions.create({ model: "gpt-5.4", messages, tools });
      record(asked.usage);
      const call = asked.choices[0]?.message;
      const toolCall = call?.tool_calls?.[0];
      expect(toolCall?.type).toBe("function");
      messages.push(call as OpenAI.ChatCompletionMessageParam, {
        role: "tool",
        tool_call_id: toolCall?.id ?? "",
        content: JSON.stringify({ city, temperature: 20 + turn }),
      });
      // Every other answer streams, so the streamed usage path is measured too.
      if (turn % 2 === 0) {
        const answer = await client.chat.completions.create({ model: "gpt-5.4", messages, tools });
        record(answer.usage);
        messages.push({ role: "assistant", content: answer.choices[0]?.message.content ?? "" });
      } else {
        const stream = await client.chat.completions.create({
          model: "gpt-5.4",
          messages,
          tools,
          stream: true,
          stream_options: { include_usage: true },
        });
        let text = "";
        let usage: OpenAI.CompletionUsage | null | undefined;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? "";
          if (chunk.usage) usage = chunk.usage;
        }
        record(usage);
        messages.push({ role: "assistant", content: text });
      }
    }

    const model = codex.cacheModel();
    const stats = model?.stats();
    const backend = model?.usages().map((usage) => usage.cachedTokens);
    expect(stats?.requests).toBe(24);
    // The client sees exactly what the backend reported, request by request.
    expect(reported).toEqual(backend);
    expect(stats?.idealCachedTokens).toBeGreaterThan(24 * 1024);
    expect(stats?.cachedTokens ?? 0).toBeGreaterThanOrEqual(0.9 * (stats?.idealCachedTokens ?? Infinity));
    // One conversation, one session-id: one server, and the tool loops replayed their turn state.
    expect(stats?.perServer.filter((n) => n > 0)).toHaveLength(1);
    expect(codex.turnStates().filter((t) => t.violation)).toEqual([]);
    // Every backend request, the catalog's included, names the same client version.
    const versions = new Set(
      codex.requests.map((r) => `${r.path.split("/").at(-1)} ${r.headers["version"]}`),
    );
    expect(versions).toEqual(new Set(["models 0.154.0", "responses 0.154.0"]));
  });
});
