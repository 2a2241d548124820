import { describe, expect, it } from "vitest";
import { OpenAIHttpError } from "../errors/openai-http-error.js";
import {
  collectResponsesSystemPrompts,
  parseResponsesRequest,
  type SanitizeResponsesOptions,
  sanitizeResponsesRequest,
} from "./sanitize-responses-request.js";

const options: SanitizeResponsesOptions = {
  model: { slug: "gpt-5.5", effort: "high", summary: "auto", verbosity: null, serviceTier: null },
  instructions: "Be brief.",
  systemMessages: "instructions",
};

function fails(body: unknown): OpenAIHttpError {
  try {
    sanitizeResponsesRequest(body, options);
  } catch (error) {
    if (OpenAIHttpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a 400");
}

describe("sanitizeResponsesRequest", () => {
  it("turns string input into one user message and forces store false / stream true", () => {
    const { value, stream, promptCacheKey } = sanitizeResponsesRequest(
      { model: "gpt-5.5", input: "hi", stream: false, store: true },
      options,
    );
    expect(value).toEqual({
      model: "gpt-5.5",
      instructions: "Be brief.",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      reasoning: { effort: "high", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: promptCacheKey,
      store: false,
      stream: true,
    });
    expect(stream).toBe(false);
  });

  it("strips item ids and item_reference items, keeps encrypted reasoning, drops unreplayable reasoning", () => {
    const { value, warnings } = sanitizeResponsesRequest(
      {
        model: "m",
        input: [
          { id: "msg_1", type: "message", role: "user", content: [{ type: "input_text", text: "q" }] },
          { type: "item_reference", id: "rs_old" },
          { id: "rs_1", type: "reasoning", summary: [], encrypted_content: "enc" },
          { id: "rs_2", type: "reasoning", summary: [] },
          { id: "fc_1", type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
          { id: "fco_1", type: "function_call_output", call_id: "call_1", output: "ok" },
        ],
      },
      options,
    );
    expect(value["input"]).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "q" }] },
      { type: "reasoning", summary: [], encrypted_content: "enc" },
      { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1", output: "ok" },
    ]);
    expect(warnings.join()).toContain("item_reference");
    expect(warnings.join()).toContain("reasoning item");
  });

  it("pairs orphan tool outputs by turning them into text", () => {
    const { value, warnings } = sanitizeResponsesRequest(
      {
        model: "m",
        input: [
          { role: "user", content: "q" },
          { type: "function_call_output", call_id: "call_x", output: "42" },
        ],
      },
      options,
    );
    expect((value["input"] as unknown[])[1]).toEqual({
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "[Result of earlier tool call call_x]\n42" }],
    });
    expect(warnings.join()).toContain("call_x");
  });

  it("handles instructions and system/developer input messages like the chat converter", () => {
    const body = {
      model: "m",
      instructions: "client rules",
      input: [
        { role: "system", content: "sys" },
        { role: "user", content: "q" },
      ],
    };
    expect(collectResponsesSystemPrompts(parseResponsesRequest(body))).toEqual(["client rules", "sys"]);
    expect(sanitizeResponsesRequest(body, options).value["input"]).toEqual([
      { type: "message", role: "user", content: "q" },
    ]);
    expect(
      sanitizeResponsesRequest(body, { ...options, systemMessages: "developer" }).value["input"],
    ).toEqual([
      { type: "message", role: "developer", content: "client rules" },
      { type: "message", role: "developer", content: "sys" },
      { type: "message", role: "user", content: "q" },
    ]);
  });

  it("keeps a later system input message in place as a developer item, and the cache key with it", () => {
    const opening = [
      { role: "system", content: "sys" },
      { role: "user", content: "q" },
      { role: "assistant", content: "a" },
    ];
    const before = { model: "m", input: [...opening, { role: "user", content: "q2" }] };
    const after = {
      model: "m",
      input: [...opening, { role: "system", content: "be brief" }, { role: "user", content: "q2" }],
    };
    expect(collectResponsesSystemPrompts(parseResponsesRequest(after))).toEqual(["sys"]);
    const result = sanitizeResponsesRequest(after, options);
    expect(result.value["input"]).toEqual([
      { type: "message", role: "user", content: "q" },
      { type: "message", role: "assistant", content: "a" },
      { type: "message", role: "developer", content: "be brief" },
      { type: "message", role: "user", content: "q2" },
    ]);
    expect(result.promptCacheKey).toBe(sanitizeResponsesRequest(before, options).promptCacheKey);
    expect(sanitizeResponsesRequest({ ...before, user: "u-1" }, options).promptCacheKey).toBe("u-1");
  });

  it("sends text.verbosity only as the model resolution says (the catalog's support_verbosity)", () => {
    const body = { model: "m", input: "x", text: { verbosity: "high" } };
    expect(sanitizeResponsesRequest(body, options).value["text"]).toBeUndefined();
    expect(
      sanitizeResponsesRequest(body, { ...options, model: { slug: "m", verbosity: "high" } }).value["text"],
    ).toEqual({ verbosity: "high" });
  });

  it("says whether the request continues a turn", () => {
    const call = { type: "function_call", call_id: "c1", name: "f", arguments: "{}" };
    const output = { type: "function_call_output", call_id: "c1", output: "ok" };
    expect(sanitizeResponsesRequest({ model: "m", input: [call, output] }, options).continuesTurn).toBe(true);
    expect(sanitizeResponsesRequest({ model: "m", input: "x" }, options).continuesTurn).toBe(false);
  });

  it("drops max_output_tokens and other rejected parameters with warnings, after validating them", () => {
    const { value, warnings } = sanitizeResponsesRequest(
      {
        model: "m",
        input: "x",
        max_output_tokens: 1000,
        temperature: 0.5,
        top_p: 1,
        safety_identifier: "s",
        novel: 1,
      },
      options,
    );
    for (const key of ["max_output_tokens", "temperature", "top_p", "safety_identifier", "novel"]) {
      expect(value).not.toHaveProperty(key);
      expect(warnings.join()).toContain(key);
    }
    expect(fails({ model: "m", input: "x", max_output_tokens: -5 }).param).toBe("max_output_tokens");
    expect(fails({ model: "m", input: "x", temperature: 9 }).param).toBe("temperature");
  });

  it("rejects previous_response_id clearly", () => {
    const error = fails({ model: "m", input: "x", previous_response_id: "resp_1" });
    expect(error.status).toBe(400);
    expect(error.param).toBe("previous_response_id");
    expect(error.message).toContain("does not store");
    expect(fails({ model: "m", input: "x", conversation: "conv_1" }).param).toBe("conversation");
  });

  it("takes reasoning, verbosity and service tier from the model resolution; keeps tools and format", () => {
    const { value } = sanitizeResponsesRequest(
      {
        model: "m",
        input: "x",
        reasoning: { effort: "minimal" },
        text: { format: { type: "json_object" }, verbosity: "high" },
        tools: [{ type: "web_search_preview" }, { type: "function", name: "f", parameters: {} }],
        include: ["web_search_call.action.sources"],
      },
      {
        ...options,
        model: { slug: "s", effort: "low", summary: "none", verbosity: "low", serviceTier: "priority" },
      },
    );
    expect(value["reasoning"]).toEqual({ effort: "low" });
    expect(value["text"]).toEqual({ verbosity: "low", format: { type: "json_object" } });
    expect(value["service_tier"]).toBe("priority");
    expect(value["tools"]).toEqual([{ type: "web_search" }, { type: "function", name: "f", parameters: {} }]);
    expect(value["tool_choice"]).toBe("auto");
    expect(value["include"]).toEqual(["web_search_call.action.sources", "reasoning.encrypted_content"]);
  });

  it("drops tool_choice and parallel_tool_calls without tools", () => {
    const { value } = sanitizeResponsesRequest(
      { model: "m", input: "x", tool_choice: "required", parallel_tool_calls: true },
      options,
    );
    expect(value).not.toHaveProperty("tool_choice");
    expect(value).not.toHaveProperty("parallel_tool_calls");
  });

  it("warns when a forced tool_choice is dropped for lack of tools, like the chat converter", () => {
    const { warnings } = sanitizeResponsesRequest(
      { model: "m", input: "x", tool_choice: "required" },
      options,
    );
    expect(warnings).toContain("tool_choice dropped: the request has no tools");
  });

  it("names the input item of an orphan tool output in its warning", () => {
    const { warnings } = sanitizeResponsesRequest(
      {
        model: "m",
        input: [
          { role: "user", content: "q" },
          { type: "function_call_output", call_id: "c", output: "1" },
        ],
      },
      options,
    );
    expect(warnings.join()).toContain("input[1]: the output of tool call c");
  });

  it("validates the body with a param", () => {
    expect(fails({ input: "x" }).param).toBe("model");
    expect(fails({ model: "m" }).param).toBe("input");
  });
});
