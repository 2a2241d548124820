import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OpenAIHttpError } from "../errors/openai-http-error.js";
import { fixtureUrl } from "../testing/fixtures.js";
import { convertMessagesRequestToResponses } from "./convert-messages-request-to-responses.js";
import { countMessagesTokens } from "./count-messages-tokens.js";
import { messagesReasoningEffort, messagesThinkingOutput } from "./messages-reasoning.js";
import { collectMessagesSystemPrompts } from "./messages-system-prompts.js";
import { parseMessagesCountTokensRequest, parseMessagesRequest } from "./parse-messages-request.js";

const model = { slug: "gpt-5.6-terra", effort: "medium" };

function convert(body: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const request = parseMessagesRequest({ model: "claude-sonnet-4-5", max_tokens: 1024, ...body });
  const prompts = collectMessagesSystemPrompts(request);
  return convertMessagesRequestToResponses(request, {
    model,
    instructions: prompts.join("\n\n"),
    systemMessages: "instructions",
    ...extra,
  });
}

const user = (content: unknown) => ({ role: "user", content });
const assistant = (content: unknown) => ({ role: "assistant", content });

describe("convertMessagesRequestToResponses", () => {
  it("sends the system blocks as instructions (cache_control ignored) and text as input", () => {
    const { value, warnings } = convert({
      system: [
        { type: "text", text: "You are terse." },
        { type: "text", text: "Answer in English.", cache_control: { type: "ephemeral" } },
      ],
      messages: [user("Hello")],
    });
    expect(value.instructions).toBe("You are terse.\n\nAnswer in English.");
    expect(value.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "Hello" }] },
    ]);
    expect(value.store).toBe(false);
    expect(value.stream).toBe(true);
    expect(value.reasoning).toEqual({ effort: "medium" });
    expect(value.include).toEqual(["reasoning.encrypted_content"]);
    expect(warnings).toEqual(["parameter 'max_tokens' is not supported by the ChatGPT backend; dropped"]);
  });

  it("puts the system prompts first as developer messages in codex mode", () => {
    const request = parseMessagesRequest({
      model: "m",
      max_tokens: 1,
      system: "Be brief.",
      messages: [user("Hi")],
    });
    const { value } = convertMessagesRequestToResponses(request, {
      model,
      instructions: "BASE",
      systemMessages: "developer",
    });
    expect(value.instructions).toBe("BASE");
    expect(value.input[0]).toEqual({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "Be brief." }],
    });
  });

  it("converts images (base64 and URL) and documents (PDF → input_file, text → text)", () => {
    const { value } = convert({
      messages: [
        user([
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0K" } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" },
            title: "spec.pdf",
          },
          {
            type: "document",
            source: { type: "text", media_type: "text/plain", data: "plain notes" },
            title: "Notes",
          },
          { type: "text", text: "Summarise." },
        ]),
      ],
    });
    expect(value.input).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0K", detail: "auto" },
          { type: "input_image", image_url: "https://example.com/cat.jpg", detail: "auto" },
          { type: "input_file", file_data: "data:application/pdf;base64,JVBERi0x", filename: "spec.pdf" },
          { type: "input_text", text: "Notes\n\nplain notes" },
          { type: "input_text", text: "Summarise." },
        ],
      },
    ]);
  });

  it("turns tool_use / tool_result (is_error, content arrays, images) into calls and outputs", () => {
    const { value, continuesTurn } = convert({
      tools: [{ name: "read", description: "Read a file", input_schema: { type: "object", properties: {} } }],
      messages: [
        user("Read a.txt and b.png"),
        assistant([
          { type: "text", text: "Reading." },
          { type: "tool_use", id: "toolu_1", name: "read", input: { path: "a.txt" } },
          { type: "tool_use", id: "toolu_2", name: "read", input: { path: "b.png" } },
        ]),
        user([
          { type: "tool_result", tool_use_id: "toolu_1", is_error: true, content: "ENOENT" },
          {
            type: "tool_result",
            tool_use_id: "toolu_2",
            content: [
              { type: "text", text: "an image" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
            ],
          },
        ]),
      ],
    });
    expect(value.input.slice(1)).toEqual([
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Reading." }] },
      { type: "function_call", call_id: "toolu_1", name: "read", arguments: '{"path":"a.txt"}' },
      { type: "function_call", call_id: "toolu_2", name: "read", arguments: '{"path":"b.png"}' },
      { type: "function_call_output", call_id: "toolu_1", output: "Error: ENOENT" },
      {
        type: "function_call_output",
        call_id: "toolu_2",
        output: [
          { type: "input_text", text: "an image" },
          { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "auto" },
        ],
      },
    ]);
    expect(continuesTurn).toBe(true);
  });

  it("sends a tool result without its call as a note, with a warning", () => {
    const { value, warnings } = convert({
      messages: [user([{ type: "tool_result", tool_use_id: "toolu_x", content: "42" }])],
    });
    expect(value.input[0]).toMatchObject({ type: "message", role: "user" });
    expect(warnings.some((w) => w.includes("toolu_x"))).toBe(true);
  });

  it("converts tools and every tool_choice; drops Anthropic server tools with a warning", () => {
    const tools = [
      { name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } },
      { type: "web_search_20250305", name: "web_search", max_uses: 3 },
    ];
    const base = { tools, messages: [user("Weather?")] };
    const auto = convert({ ...base, tool_choice: { type: "auto" } });
    expect(auto.value.tools).toEqual([
      {
        type: "function",
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
        strict: false,
      },
    ]);
    expect(auto.value.tool_choice).toBe("auto");
    expect(auto.value.parallel_tool_calls).toBe(true);
    expect(auto.warnings.some((w) => w.includes("'web_search' (web_search_20250305)"))).toBe(true);
    expect(convert({ ...base, tool_choice: { type: "any" } }).value.tool_choice).toBe("required");
    expect(convert({ ...base, tool_choice: { type: "none" } }).value.tool_choice).toBe("none");
    const forced = convert({
      ...base,
      tool_choice: { type: "tool", name: "get_weather", disable_parallel_tool_use: true },
    });
    expect(forced.value.tool_choice).toEqual({ type: "function", name: "get_weather" });
    expect(forced.value.parallel_tool_calls).toBe(false);
  });

  it("replays thinking blocks this proxy signed as reasoning items, in place, and drops foreign ones", () => {
    const messages = [
      user("Weather?"),
      assistant([
        { type: "thinking", thinking: "Need the tool.", signature: "cmp1.ENC-1" },
        { type: "thinking", thinking: "from Anthropic", signature: "EqQBCkgIARAB" },
        { type: "redacted_thinking", data: "xyz" },
        { type: "tool_use", id: "call_1", name: "w", input: {} },
      ]),
      user([{ type: "tool_result", tool_use_id: "call_1", content: "21C" }]),
    ];
    const result = convert({ messages });
    expect(result.value.input[1]).toEqual({
      type: "reasoning",
      summary: [{ type: "summary_text", text: "Need the tool." }],
      encrypted_content: "ENC-1",
    });
    expect(result.value.input[2]).toMatchObject({ type: "function_call", call_id: "call_1" });
    expect(result.replayedReasoning).toBe(true);
    expect(result.warnings.some((w) => w.startsWith("thinking blocks not signed by this proxy"))).toBe(true);
    const without = convert({ messages }, { replayReasoning: false });
    expect(without.value.input.some((item) => item.type === "reasoning")).toBe(false);
    expect(without.replayedReasoning).toBe(false);
  });

  it("replays the server's cached reasoning for a tool_use that came without thinking blocks", () => {
    const cached = [{ type: "reasoning" as const, summary: [], encrypted_content: "CACHED" }];
    const { value, replayedReasoning } = convert(
      { messages: [user("Hi"), assistant([{ type: "tool_use", id: "call_9", name: "w", input: {} }])] },
      { lookupReasoningItems: (id: string) => (id === "call_9" ? cached : undefined) },
    );
    expect(value.input[1]).toEqual({ type: "reasoning", summary: [], encrypted_content: "CACHED" });
    expect(replayedReasoning).toBe(true);
  });

  it("uses metadata.user_id as the prompt cache key, else a key derived from the conversation", () => {
    expect(
      convert({ metadata: { user_id: "user_abc_session_1" }, messages: [user("Hi")] }).promptCacheKey,
    ).toBe("user_abc_session_1");
    const a = convert({ system: "S", messages: [user("Hi")] }).promptCacheKey;
    const b = convert({
      system: "S",
      messages: [user("Hi"), assistant("Hello"), user("More")],
    }).promptCacheKey;
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reports max_tokens, temperature, top_p, top_k and unknown fields as dropped", () => {
    const { warnings } = convert({ temperature: 0.2, top_p: 0.9, top_k: 5, foo: 1, messages: [user("Hi")] });
    for (const name of ["max_tokens", "temperature", "top_p", "top_k"]) {
      expect(warnings).toContain(`parameter '${name}' is not supported by the ChatGPT backend; dropped`);
    }
    expect(warnings).toContain("unknown parameter 'foo' dropped");
  });

  it("sends output_config.format as text.format", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const { value } = convert({
      output_config: { format: { type: "json_schema", schema } },
      messages: [user("Hi")],
    });
    expect(value.text).toEqual({ format: { type: "json_schema", name: "output", schema, strict: false } });
  });
});

describe("thinking → reasoning effort", () => {
  it.each([
    [{ type: "enabled", budget_tokens: 1024 }, "low"],
    [{ type: "enabled", budget_tokens: 4000 }, "low"],
    [{ type: "enabled", budget_tokens: 10000 }, "medium"],
    [{ type: "enabled", budget_tokens: 20000 }, "high"],
    [{ type: "enabled", budget_tokens: 31999 }, "xhigh"],
    [{ type: "disabled" }, "none"],
    [{ type: "adaptive" }, null],
    [undefined, null],
  ])("%j → %s", (thinking, effort) => {
    expect(messagesReasoningEffort({ thinking: thinking as never })).toBe(effort);
  });

  it("lets output_config.effort win, and shows thinking only when it is on", () => {
    expect(
      messagesReasoningEffort({ thinking: { type: "disabled" }, output_config: { effort: "max" } }),
    ).toBe("max");
    expect(messagesThinkingOutput({ thinking: { type: "enabled", budget_tokens: 2000 } })).toBe("summarized");
    expect(messagesThinkingOutput({ thinking: { type: "adaptive", display: "omitted" } })).toBe("omitted");
    expect(messagesThinkingOutput({ thinking: { type: "disabled" } })).toBe("none");
    expect(messagesThinkingOutput({})).toBe("none");
  });
});

describe("parseMessagesRequest", () => {
  const bad = (body: unknown) => {
    try {
      parseMessagesRequest(body);
    } catch (error) {
      expect(OpenAIHttpError.isInstance(error)).toBe(true);
      return error as OpenAIHttpError;
    }
    throw new Error("accepted");
  };

  it("requires model, max_tokens and messages, and names the field", () => {
    expect(bad({ model: "m", messages: [user("x")] }).param).toBe("max_tokens");
    expect(bad({ max_tokens: 1, messages: [user("x")] }).param).toBe("model");
    expect(bad({ model: "m", max_tokens: 1, messages: [] }).status).toBe(400);
    expect(bad([]).code).toBe("invalid_json");
  });

  it("checks each block against its type's shape; unknown block types pass (and are dropped later)", () => {
    expect(bad({ model: "m", max_tokens: 1, messages: [user([{ type: "text" }])] }).param).toContain(
      "messages[0].content[0]",
    );
    expect(
      parseMessagesRequest({
        model: "m",
        max_tokens: 1,
        messages: [user([{ type: "container_upload", file_id: "f" }])],
      }),
    ).toBeDefined();
  });

  it("refuses Files API ids and documents by URL", () => {
    const file = user([{ type: "image", source: { type: "file", file_id: "file_1" } }]);
    expect(bad({ model: "m", max_tokens: 1, messages: [file] }).code).toBe("unsupported_parameter");
    const url = user([{ type: "document", source: { type: "url", url: "https://x/y.pdf" } }]);
    expect(bad({ model: "m", max_tokens: 1, messages: [url] }).param).toBe("messages.0.content.0.source");
  });

  it("takes count_tokens bodies without max_tokens", () => {
    expect(parseMessagesCountTokensRequest({ model: "m", messages: [user("x")] }).max_tokens).toBeUndefined();
  });
});

describe("Claude Code requests", () => {
  const load = (name: string) =>
    JSON.parse(readFileSync(fixtureUrl(`anthropic/${name}.json`), "utf8")) as Record<string, unknown>;
  const texts = (value: unknown): string => JSON.stringify(value);

  it.each(["claude-code-first-turn", "claude-code-tool-loop"])("converts %s without loss", (name) => {
    const body = load(name);
    const request = parseMessagesRequest(body);
    const prompts = collectMessagesSystemPrompts(request);
    const { value, warnings, promptCacheKey } = convertMessagesRequestToResponses(request, {
      model,
      instructions: prompts.join("\n\n"),
      systemMessages: "instructions",
    });
    // Only the parameters the backend has no counterpart for are reported; no content was dropped.
    expect(warnings.sort()).toEqual([
      "parameter 'max_tokens' is not supported by the ChatGPT backend; dropped",
      "parameter 'temperature' is not supported by the ChatGPT backend; dropped",
    ]);
    expect(promptCacheKey).toBe((body["metadata"] as { user_id: string }).user_id);
    for (const block of body["system"] as { text: string }[])
      expect(value.instructions).toContain(block.text);
    // Every tool arrives with its name, description and schema.
    const tools = body["tools"] as { name: string; description: string; input_schema: unknown }[];
    expect(
      value.tools?.map((tool) =>
        tool.type === "function" ? [tool.name, tool.description, tool.parameters] : null,
      ),
    ).toEqual(tools.map((tool) => [tool.name, tool.description, tool.input_schema]));
    const sent = texts(value.input);
    for (const message of request.messages) {
      for (const block of typeof message.content === "string" ? [] : message.content) {
        const b = block as Record<string, unknown>;
        if (b["type"] === "text") expect(sent).toContain(JSON.stringify(b["text"]).slice(1, -1));
        if (b["type"] === "tool_use") {
          const call = value.input.find((item) => item.type === "function_call" && item.call_id === b["id"]);
          expect(call?.type === "function_call" && [call.name, JSON.parse(call.arguments)]).toEqual([
            b["name"],
            b["input"],
          ]);
        }
        if (b["type"] === "tool_result") {
          const output = value.input.find(
            (item) => item.type === "function_call_output" && item.call_id === b["tool_use_id"],
          );
          expect(output).toBeDefined();
        }
        if (b["type"] === "thinking") {
          expect(value.input).toContainEqual({
            type: "reasoning",
            summary: [{ type: "summary_text", text: b["thinking"] }],
            encrypted_content: String(b["signature"]).slice(5),
          });
        }
        if (b["type"] === "image") expect(sent).toContain((b["source"] as { data: string }).data);
      }
    }
    expect(messagesReasoningEffort(request)).toBe("xhigh");
    expect(countMessagesTokens(request).input_tokens).toBeGreaterThan(500);
  });
});

describe("countMessagesTokens", () => {
  it("estimates from the converted text, images at a flat rate", () => {
    const request = parseMessagesCountTokensRequest({
      model: "m",
      system: "x".repeat(400),
      messages: [
        user([
          { type: "text", text: "y".repeat(400) },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
        ]),
      ],
    });
    expect(countMessagesTokens(request).input_tokens).toBe(200 + 1600);
  });
});
