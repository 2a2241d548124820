import { describe, expect, it } from "vitest";
import { parseChatCompletionRequest } from "../chat/parse-chat-completion-request.js";
import type { ReasoningItem } from "../responses/responses-api.js";
import {
  type ConvertChatRequestOptions,
  convertChatRequestToResponses,
} from "./convert-chat-request-to-responses.js";
import { usesLegacyFunctions } from "./convert-chat-tools.js";

const options: ConvertChatRequestOptions = {
  model: { slug: "gpt-5.5", effort: "medium", summary: "auto", verbosity: null, serviceTier: null },
  instructions: "You are terse.",
  systemMessages: "instructions",
};

function convert(body: Record<string, unknown>, extra: Partial<ConvertChatRequestOptions> = {}) {
  return convertChatRequestToResponses(parseChatCompletionRequest({ model: "gpt-5.5", ...body }), {
    ...options,
    ...extra,
  });
}

const user = (content: unknown) => ({ role: "user", content });

describe("convertChatRequestToResponses", () => {
  it("builds the minimal backend request: store false, stream true, reasoning with include", () => {
    const { value, warnings, promptCacheKey } = convert({ messages: [user("hi")] });
    expect(value).toEqual({
      model: "gpt-5.5",
      instructions: "You are terse.",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      prompt_cache_key: promptCacheKey,
      store: false,
      stream: true,
      reasoning: { effort: "medium", summary: "auto" },
      include: ["reasoning.encrypted_content"],
    });
    expect(warnings).toEqual([]);
  });

  it("omits the summary when it is none, and reasoning when the model has no effort", () => {
    expect(
      convert({ messages: [user("x")] }, { model: { slug: "m", effort: "high", summary: "none" } }).value
        .reasoning,
    ).toEqual({
      effort: "high",
    });
    const plain = convert({ messages: [user("x")] }, { model: { slug: "m", effort: null } }).value;
    expect(plain.reasoning).toBeUndefined();
    expect(plain.include).toBeUndefined();
  });

  it("leaves system and developer messages out of input in instructions mode", () => {
    const { value } = convert({
      messages: [{ role: "system", content: "sys" }, { role: "developer", content: "dev" }, user("hi")],
    });
    expect(value.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    ]);
  });

  it("keeps a later system message in place as a developer item in instructions mode", () => {
    const { value } = convert({
      messages: [
        { role: "system", content: "sys" },
        user("a"),
        { role: "assistant", content: "r" },
        { role: "system", content: "now be brief" },
        user("b"),
      ],
    });
    expect(value.input.map((item) => ("role" in item ? item.role : item.type))).toEqual([
      "user",
      "assistant",
      "developer",
      "user",
    ]);
    expect(value.input[2]).toEqual({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "now be brief" }],
    });
  });

  it("keeps the prompt cache key when a system message is added mid-conversation", () => {
    const opening = [{ role: "system", content: "sys" }, user("first"), { role: "assistant", content: "r" }];
    const before = convert({ messages: [...opening, user("second")] });
    const after = convert({
      messages: [...opening, { role: "system", content: "be brief" }, user("second")],
    });
    expect(after.promptCacheKey).toBe(before.promptCacheKey);
    // …in either instructions mode: the key does not depend on where the system prompts travel.
    const codexMode = convert(
      { messages: [...opening, { role: "system", content: "be brief" }, user("second")] },
      { instructions: "BASE", systemMessages: "developer" },
    );
    expect(codexMode.promptCacheKey).toBe(before.promptCacheKey);
    expect(
      convert({ messages: [{ role: "system", content: "other" }, user("first")] }).promptCacheKey,
    ).not.toBe(before.promptCacheKey);
  });

  it("says whether the request continues a turn (its input ends in a tool output)", () => {
    const call = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
    };
    expect(convert({ messages: [user("go")] }).continuesTurn).toBe(false);
    expect(
      convert({ messages: [user("go"), call, { role: "tool", tool_call_id: "call_1", content: "ok" }] })
        .continuesTurn,
    ).toBe(true);
    expect(
      convert({
        messages: [user("go"), call, { role: "tool", tool_call_id: "call_1", content: "ok" }, user("next")],
      }).continuesTurn,
    ).toBe(false);
  });

  it("turns system and developer messages into developer items in place in developer mode", () => {
    const { value } = convert(
      { messages: [user("a"), { role: "system", content: [{ type: "text", text: "sys" }] }, user("b")] },
      { systemMessages: "developer" },
    );
    expect(value.input.map((item) => ("role" in item ? item.role : item.type))).toEqual([
      "user",
      "developer",
      "user",
    ]);
    expect(value.input[1]).toEqual({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "sys" }],
    });
  });

  it("converts user text and image parts (URL and data URL, detail)", () => {
    const { value } = convert({
      messages: [
        user([
          { type: "text", text: "what is this" },
          { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
        ]),
      ],
    });
    expect(value.input[0]).toEqual({
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "what is this" },
        { type: "input_image", image_url: "https://example.com/a.png", detail: "high" },
        { type: "input_image", image_url: "data:image/jpeg;base64,/9j/4AAQ", detail: "auto" },
      ],
    });
  });

  it("converts file parts with inline data to input_file", () => {
    const { value } = convert({
      messages: [
        user([
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
        ]),
      ],
    });
    expect(value.input[0]).toMatchObject({
      content: [{ type: "input_file", file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" }],
    });
  });

  it("prefixes a user message with its name", () => {
    const { value } = convert({ messages: [{ role: "user", name: "alice", content: "hello" }] });
    expect(value.input[0]).toMatchObject({ content: [{ type: "input_text", text: "alice: hello" }] });
  });

  it("converts assistant text and tool_calls, and tool results to function_call_output", () => {
    const { value, warnings } = convert({
      messages: [
        user("weather?"),
        {
          role: "assistant",
          content: "Let me check.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"c":"P"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
    expect(value.input.slice(1)).toEqual([
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me check." }] },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"c":"P"}' },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
    ]);
    expect(warnings).toEqual([]);
  });

  it("turns a tool result whose call is missing into a text note with a warning", () => {
    const { value, warnings } = convert({
      messages: [user("x"), { role: "tool", tool_call_id: "call_gone", content: "42" }],
    });
    expect(value.input[1]).toEqual({
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "[Result of earlier tool call call_gone]\n42" }],
    });
    expect(warnings.join()).toContain("call_gone");
  });

  it("converts legacy function_call and function messages", () => {
    const { value } = convert({
      messages: [
        user("x"),
        { role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } },
        { role: "function", name: "f", content: "done" },
      ],
      functions: [{ name: "f", parameters: { type: "object", properties: {} } }],
      function_call: { name: "f" },
    });
    expect(value.input.slice(1)).toEqual([
      { type: "function_call", call_id: "call_legacy_1", name: "f", arguments: "{}" },
      { type: "function_call_output", call_id: "call_legacy_1", output: "done" },
    ]);
    expect(value.tools).toEqual([
      { type: "function", name: "f", parameters: { type: "object", properties: {} }, strict: false },
    ]);
    expect(value.tool_choice).toEqual({ type: "function", name: "f" });
    expect(value.parallel_tool_calls).toBe(false);
    expect(
      usesLegacyFunctions(
        parseChatCompletionRequest({ model: "m", messages: [user("x")], functions: [{ name: "f" }] }),
      ),
    ).toBe(true);
    expect(
      usesLegacyFunctions(
        parseChatCompletionRequest({
          model: "m",
          messages: [user("x")],
          tools: [{ type: "function", function: { name: "g" } }],
        }),
      ),
    ).toBe(false);
  });

  it("re-inserts kept reasoning items before the matching function_call, once", () => {
    const item: ReasoningItem = { type: "reasoning", summary: [], encrypted_content: "enc-1" };
    const { value } = convert(
      {
        messages: [
          user("x"),
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_1", type: "function", function: { name: "a", arguments: "{}" } },
              { id: "call_2", type: "function", function: { name: "b", arguments: "{}" } },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "1" },
          { role: "tool", tool_call_id: "call_2", content: "2" },
        ],
      },
      { lookupReasoningItems: (id) => (id === "call_1" || id === "call_2" ? [item] : undefined) },
    );
    expect(value.input.map((i) => i.type)).toEqual([
      "message",
      "reasoning",
      "function_call",
      "function_call",
      "function_call_output",
      "function_call_output",
    ]);
    expect(value.input[1]).toEqual({ type: "reasoning", summary: [], encrypted_content: "enc-1" });
  });

  it("converts tools to flat function tools with strict, and every tool_choice form", () => {
    const tools = [
      {
        type: "function",
        function: { name: "a", description: "A", parameters: { type: "object" }, strict: true },
      },
      { type: "function", function: { name: "b" } },
    ];
    const { value } = convert({ messages: [user("x")], tools });
    expect(value.tools).toEqual([
      { type: "function", name: "a", description: "A", parameters: { type: "object" }, strict: true },
      { type: "function", name: "b", parameters: { type: "object", properties: {} }, strict: false },
    ]);
    expect(value.tool_choice).toBe("auto");
    expect(value.parallel_tool_calls).toBe(true);
    for (const choice of ["none", "auto", "required"]) {
      expect(convert({ messages: [user("x")], tools, tool_choice: choice }).value.tool_choice).toBe(choice);
    }
    expect(
      convert({ messages: [user("x")], tools, tool_choice: { type: "function", function: { name: "b" } } })
        .value.tool_choice,
    ).toEqual({ type: "function", name: "b" });
    expect(
      convert({
        messages: [user("x")],
        tools,
        tool_choice: {
          type: "allowed_tools",
          allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "a" } }] },
        },
      }).value.tool_choice,
    ).toEqual({ type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "a" }] });
    expect(
      convert({ messages: [user("x")], tools, parallel_tool_calls: false }).value.parallel_tool_calls,
    ).toBe(false);
  });

  it("drops tool_choice and parallel_tool_calls when there are no tools", () => {
    const { value, warnings } = convert({
      messages: [user("x")],
      tool_choice: "required",
      parallel_tool_calls: true,
    });
    expect(value.tool_choice).toBeUndefined();
    expect(value.parallel_tool_calls).toBeUndefined();
    expect(value.tools).toBeUndefined();
    expect(warnings.join()).toContain("tool_choice");
  });

  it("maps web_search_options to the web_search tool", () => {
    const { value } = convert({
      messages: [user("news?")],
      web_search_options: {
        search_context_size: "low",
        user_location: { type: "approximate", approximate: { city: "Paris", country: "FR" } },
      },
    });
    expect(value.tools).toEqual([
      {
        type: "web_search",
        search_context_size: "low",
        user_location: { type: "approximate", city: "Paris", country: "FR" },
      },
    ]);
  });

  it("maps verbosity and response_format to text", () => {
    const withVerbosity = convert(
      { messages: [user("x")] },
      { model: { slug: "m", verbosity: "low" } },
    ).value;
    expect(withVerbosity.text).toEqual({ verbosity: "low" });
    expect(convert({ messages: [user("x")], response_format: { type: "json_object" } }).value.text).toEqual({
      format: { type: "json_object" },
    });
    expect(
      convert({
        messages: [user("x")],
        response_format: {
          type: "json_schema",
          json_schema: { name: "out", schema: { type: "object" }, strict: true },
        },
      }).value.text,
    ).toEqual({ format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } });
    expect(convert({ messages: [user("x")], response_format: { type: "text" } }).value.text).toBeUndefined();
  });

  it("sends service_tier priority only when the resolution chose it", () => {
    expect(
      convert({ messages: [user("x")] }, { model: { slug: "m", serviceTier: "priority" } }).value
        .service_tier,
    ).toBe("priority");
    expect(convert({ messages: [user("x")], service_tier: "priority" }).value.service_tier).toBeUndefined();
  });

  it("uses the client's prompt_cache_key, then user, else a stable UUID from the leading messages", () => {
    expect(convert({ messages: [user("x")], prompt_cache_key: "conv-1", user: "u" }).promptCacheKey).toBe(
      "conv-1",
    );
    const byUser = convert({ messages: [user("x")], user: "user-7" });
    expect(byUser.promptCacheKey).toBe("user-7");
    expect(byUser.value.prompt_cache_key).toBe("user-7");
    expect(byUser.value).not.toHaveProperty("user");
    const a = convert({ messages: [user("first"), { role: "assistant", content: "r" }, user("second")] });
    const b = convert({ messages: [user("first")] });
    expect(a.promptCacheKey).toBe(b.promptCacheKey);
    expect(a.value.prompt_cache_key).toBe(a.promptCacheKey);
    expect(a.promptCacheKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(convert({ messages: [user("other")] }).promptCacheKey).not.toBe(a.promptCacheKey);
  });

  it("drops what the backend rejects and reports each as a warning", () => {
    const { value, warnings } = convert({
      messages: [user("x")],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      max_completion_tokens: 100,
      stream_options: { include_usage: true },
      seed: 1,
      user: "u",
      metadata: { a: "b" },
      logit_bias: { "1": 2 },
      presence_penalty: 0.1,
      frequency_penalty: 0.1,
      store: true,
      prediction: { type: "content", content: "x" },
      n: 2,
      stop: ["x"],
      brand_new_field: true,
    });
    const keys = Object.keys(value);
    for (const dropped of [
      "temperature",
      "top_p",
      "max_tokens",
      "max_completion_tokens",
      "stream_options",
      "seed",
      "user",
      "metadata",
      "n",
      "stop",
    ]) {
      expect(keys).not.toContain(dropped);
    }
    expect(value.store).toBe(false);
    const text = warnings.join("\n");
    for (const key of [
      "temperature",
      "top_p",
      "max_tokens",
      "max_completion_tokens",
      "seed",
      "metadata",
      "logit_bias",
      "presence_penalty",
      "frequency_penalty",
      "store",
      "prediction",
      "brand_new_field",
    ]) {
      expect(text).toContain(key);
    }
    expect(text).not.toContain("stream_options");
    // `user` is the cache key's fallback now, not a dropped parameter.
    expect(text).not.toContain("'user'");
  });
});
