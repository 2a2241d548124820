import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const weatherTool = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: {} } },
};

/** The fake answers a conversation ending in a tool result with text, anything else with a tool call. */
const toolLoop = (req: { body: Record<string, unknown> }) => {
  const input = req.body["input"] as { type?: string }[];
  return input.at(-1)?.type === "function_call_output" ? "text" : "tools";
};

describe("the backend's current rules, through the server", () => {
  it("replays x-codex-turn-state within a chat tool loop, never across turns", async () => {
    harness = await createHarness({ scenario: toolLoop });
    const app = harness.app;
    const messages: Record<string, unknown>[] = [{ role: "user", content: "Weather in Paris?" }];
    const first = await request(app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", tools: [weatherTool], messages });
    expect(first.status).toBe(200);
    expect(first.headers["x-codex-turn-state"]).toBeUndefined();
    const call = first.body.choices[0].message;
    messages.push(call, { role: "tool", tool_call_id: call.tool_calls[0].id, content: "sunny" });
    const second = await request(app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", tools: [weatherTool], messages });
    expect(second.status).toBe(200);
    messages.push(second.body.choices[0].message, { role: "user", content: "And in Tokyo?" });
    await request(app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", tools: [weatherTool], messages });

    const turns = harness.codex.turnStates();
    expect(turns.map((t) => t.verdict)).toEqual(["new_turn", "replayed", "new_turn"]);
    expect(turns.some((t) => t.violation)).toBe(false);
    expect(harness.codex.requests[1]?.headers["x-codex-turn-state"]).toBe(turns[0]?.issued);
    expect(harness.codex.requests[2]?.headers["x-codex-turn-state"]).toBeUndefined();
  });

  it("replays x-codex-turn-state within a Responses tool loop", async () => {
    harness = await createHarness({ scenario: toolLoop });
    const tools = [{ type: "function", name: "get_weather", parameters: { type: "object", properties: {} } }];
    const input: Record<string, unknown>[] = [{ role: "user", content: "Weather?" }];
    const first = await request(harness.app).post("/v1/responses").send({ model: "gpt-5.4", tools, input });
    const call = (first.body.output as { type: string; call_id: string }[]).find(
      (i) => i.type === "function_call",
    );
    expect(call).toBeDefined();
    input.push(
      { type: "function_call", call_id: call?.call_id, name: "get_weather", arguments: "{}" },
      { type: "function_call_output", call_id: call?.call_id, output: "sunny" },
    );
    await request(harness.app).post("/v1/responses").send({ model: "gpt-5.4", tools, input });
    expect(harness.codex.turnStates().map((t) => t.verdict)).toEqual(["new_turn", "replayed"]);
  });

  it("keeps instructions, session-id and thread-id when a system message is added mid-conversation", async () => {
    harness = await createHarness();
    const opening = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ];
    await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: [...opening, { role: "user", content: "more" }] });
    await request(harness.app)
      .post("/v1/chat/completions")
      .send({
        model: "gpt-5.4",
        messages: [
          ...opening,
          { role: "system", content: "Answer in French." },
          { role: "user", content: "more" },
        ],
      });
    const [a, b] = harness.upstreamBodies();
    expect(b?.["instructions"]).toBe(a?.["instructions"]);
    expect(b?.["prompt_cache_key"]).toBe(a?.["prompt_cache_key"]);
    expect(((b?.["input"] ?? []) as { role?: string }[]).map((item) => item.role)).toEqual([
      "user",
      "assistant",
      "developer",
      "user",
    ]);
    const [ha, hb] = harness.codex.requests.map((r) => r.headers);
    expect(hb?.["session-id"]).toBe(ha?.["session-id"]);
    expect(hb?.["thread-id"]).toBe(ha?.["session-id"]);
    expect(ha?.["session-id"]).toBe(a?.["prompt_cache_key"]);
  });

  it("uses the client's user as the cache key when it sends no prompt_cache_key", async () => {
    harness = await createHarness();
    await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", user: "user-1234", messages: [{ role: "user", content: "hi" }] });
    expect(harness.upstreamBodies()[0]?.["prompt_cache_key"]).toBe("user-1234");
    expect(harness.codex.requests[0]?.headers["session-id"]).toBe("user-1234");
  });

  it("sends reasoning.summary only where supports_reasoning_summary_parameter is true", async () => {
    harness = await createHarness();
    // The fake refuses reasoning.summary for gpt-5.3-codex-spark, as its catalog entry says.
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.3-codex-spark", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(harness.upstreamBodies()[0]?.["reasoning"]).not.toHaveProperty("summary");
  });

  it("asks responses-lite models for reasoning.context all_turns, in the classic request shape", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/responses")
      .send({ model: "gpt-5.6-sol", input: "hi", tools: [{ type: "function", name: "f", parameters: {} }] });
    expect(res.status).toBe(200);
    const sent = harness.upstreamBodies()[0];
    expect(sent?.["reasoning"]).toMatchObject({ context: "all_turns" });
    expect(sent).toHaveProperty("instructions");
    expect(sent).toHaveProperty("tools");
    expect(harness.codex.requests[0]?.headers["x-openai-internal-codex-responses-lite"]).toBeUndefined();
  });

  it("sends the version header and explains a 'requires a newer version' refusal with CMP_CLIENT_VERSION", async () => {
    harness = await createHarness({ config: { clientVersion: "0.125.0" } });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.6-sol", messages: [{ role: "user", content: "hi" }] });
    expect(harness.codex.requests[0]?.headers["version"]).toBe("0.125.0");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("codex_client_version_too_old");
    expect(res.body.error.message).toContain("CMP_CLIENT_VERSION");
    expect(res.body.error.message).toContain("0.125.0");
    expect(res.body.error.message).toContain("requires a newer version of Codex");
  });

  it("is served by the default client version", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.6-sol", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(harness.codex.requests[0]?.headers["version"]).toBe("0.154.0");
  });
});
