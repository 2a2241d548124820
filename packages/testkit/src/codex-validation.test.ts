import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";

let upstream: FakeUpstream;
let headers: Record<string, string>;
beforeAll(async () => {
  upstream = await startFakeUpstream();
  const tokens = await upstream.auth.issueTokens();
  headers = {
    authorization: `Bearer ${tokens.access_token}`,
    "chatgpt-account-id": "acc_test",
    "content-type": "application/json",
  };
});
afterAll(async () => {
  await upstream.close();
});

const valid = {
  model: "gpt-5.4",
  instructions: "",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  store: false,
  stream: true,
  reasoning: { effort: "medium", summary: "auto" },
  include: ["reasoning.encrypted_content"],
};

async function post(body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${upstream.codex.baseUrl}/responses`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text(),
  };
}

describe("POST /responses validation", () => {
  it("accepts a well-formed request", async () => {
    expect((await post(valid)).status).toBe(200);
  });

  it.each([
    ["store missing", { store: undefined }, "Store must be set to false"],
    ["store true", { store: true }, "Store must be set to false"],
    ["stream false", { stream: false }, "Stream must be set to true"],
    ["stream missing", { stream: undefined }, "Stream must be set to true"],
    ["max_output_tokens", { max_output_tokens: 100 }, "Unsupported parameter: max_output_tokens"],
    ["max_tokens", { max_tokens: 100 }, "Unsupported parameter: max_tokens"],
    ["max_completion_tokens", { max_completion_tokens: 100 }, "Unsupported parameter: max_completion_tokens"],
    ["temperature", { temperature: 0.2 }, "Unsupported parameter: temperature"],
    ["top_p", { top_p: 0.9 }, "Unsupported parameter: top_p"],
    [
      "previous_response_id",
      { previous_response_id: "resp_1" },
      "Unsupported parameter: previous_response_id",
    ],
    ["stream_options", { stream_options: {} }, "Unsupported parameter: stream_options"],
    ["safety_identifier", { safety_identifier: "x" }, "Unsupported parameter: safety_identifier"],
    [
      "prompt_cache_retention",
      { prompt_cache_retention: "24h" },
      "Unsupported parameter: prompt_cache_retention",
    ],
    ["messages (Chat Completions body)", { messages: [] }, "Unsupported parameter: messages"],
    [
      "reasoning.type",
      { reasoning: { type: "enabled", effort: "low" } },
      "Unknown parameter: 'reasoning.type'.",
    ],
    [
      "unknown model",
      { model: "gpt-4o" },
      "The 'gpt-4o' model is not supported when using Codex with a ChatGPT account.",
    ],
    ["input not a list", { input: "hi" }, "Input must be a list"],
  ])("%s → 400 detail", async (_name, patch, detail) => {
    const res = await post({ ...valid, ...patch });
    expect(res).toEqual({ status: 400, body: { detail } });
  });

  it("refuses an effort the model does not list", async () => {
    const res = await post({ ...valid, reasoning: { effort: "minimal" } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message:
          "Unsupported value: 'reasoning.effort' does not support 'minimal' with this model. Supported values are: 'low', 'medium', 'high', and 'xhigh'.",
        type: "invalid_request_error",
        param: "reasoning.effort",
        code: "unsupported_value",
      },
    });
    expect((await post({ ...valid, model: "gpt-5.6-sol", reasoning: { effort: "ultra" } })).status).toBe(200);
    expect((await post({ ...valid, model: "gpt-5.4", reasoning: { effort: "ultra" } })).status).toBe(400);
  });

  it("refuses an orphan function_call_output and accepts a matched one", async () => {
    const output = { type: "function_call_output", call_id: "call_1", output: "42" };
    const orphan = await post({ ...valid, input: [...valid.input, output] });
    expect(orphan).toEqual({
      status: 400,
      body: {
        error: {
          message: "No tool call found for function call output with call_id call_1.",
          type: "invalid_request_error",
          param: "input",
          code: null,
        },
      },
    });
    const call = { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" };
    expect((await post({ ...valid, input: [...valid.input, call, output] })).status).toBe(200);
  });

  it("refuses item ids and item references, which are not stored with store:false", async () => {
    const withId = await post({ ...valid, input: [{ ...valid.input[0], id: "msg_1" }] });
    expect(withId.status).toBe(404);
    const reference = await post({ ...valid, input: [{ type: "item_reference", id: "rs_1" }] });
    expect(reference.status).toBe(404);
  });

  it("refuses an unknown reasoning summary and service tier", async () => {
    expect((await post({ ...valid, reasoning: { effort: "low", summary: "none" } })).status).toBe(400);
    expect((await post({ ...valid, service_tier: "flex" })).status).toBe(400);
    expect((await post({ ...valid, service_tier: "priority" })).status).toBe(200);
    expect((await post({ ...valid, model: "gpt-5.4-mini", service_tier: "priority" })).status).toBe(400);
  });
});
