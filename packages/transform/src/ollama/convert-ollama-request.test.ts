import { describe, expect, it } from "vitest";
import { convertChatRequestToResponses } from "../convert/convert-chat-request-to-responses.js";
import { convertOllamaChatRequest, convertOllamaGenerateRequest } from "./convert-ollama-request.js";
import { parseOllamaChatRequest, parseOllamaGenerateRequest } from "./parse-ollama-request.js";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD";
const model = {
  slug: "gpt-5.4",
  effort: "medium",
  summary: "auto",
  verbosity: null,
  serviceTier: null,
  reasoningContext: null,
} as const;

function chat(body: Record<string, unknown>) {
  return convertOllamaChatRequest(parseOllamaChatRequest({ model: "gpt-5.4", ...body }));
}

describe("convertOllamaChatRequest", () => {
  it("turns a tool loop into chat messages: object arguments as JSON text, ids kept or made, tool results tied by name", () => {
    const converted = chat({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather in Paris and the time?", images: [PNG] },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { function: { name: "get_weather", arguments: { city: "Paris" } } },
            { id: "call_B", function: { name: "get_time", arguments: { tz: "Europe/Paris" } } },
          ],
        },
        { role: "tool", content: "12:00", tool_name: "get_time" },
        { role: "TOOL", content: "11 degrees", tool_name: "get_weather" },
      ],
      tools: [
        {
          type: "function",
          function: { name: "get_weather", description: "Weather", parameters: { type: "object" } },
        },
      ],
    });
    expect(converted.chat.messages).toEqual([
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "Weather in Paris and the time?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "auto" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_ollama_2_0",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
          {
            id: "call_B",
            type: "function",
            function: { name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
          },
        ],
      },
      { role: "tool", content: "12:00", tool_call_id: "call_B" },
      { role: "tool", content: "11 degrees", tool_call_id: "call_ollama_2_0" },
    ]);
    expect(converted.chat.tools).toEqual([
      {
        type: "function",
        function: { name: "get_weather", description: "Weather", parameters: { type: "object" } },
      },
    ]);
    expect(converted.stream).toBe(true);
    expect(converted.load).toBeNull();
    // The chat converter takes it as is: the calls and their outputs pair up, no orphan notes.
    const backend = convertChatRequestToResponses(converted.chat, {
      model,
      instructions: "",
      systemMessages: "instructions",
    });
    expect(backend.warnings).toEqual([]);
    expect(backend.continuesTurn).toBe(true);
    expect(backend.value.input.filter((item) => item.type === "function_call_output")).toHaveLength(2);
  });

  it("maps format, think and options: a schema is structured output, json is JSON mode, sampling options are dropped with warnings", () => {
    const schema = { type: "object", properties: { age: { type: "integer" } }, required: ["age"] };
    const structured = chat({
      messages: [{ role: "user", content: "hi" }],
      format: schema,
      think: "high",
      options: { temperature: 0, seed: 1, stop: ["END", ""] },
      keep_alive: "5m",
      stream: false,
    });
    expect(structured.chat.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "ollama_format", schema, strict: false },
    });
    expect(structured.chat.reasoning_effort).toBe("high");
    expect(structured.stop).toEqual(["END"]);
    expect(structured.stream).toBe(false);
    expect(structured.thinking).toBe(true);
    expect(structured.warnings).toEqual([
      "option 'temperature' is not supported by the ChatGPT backend; dropped",
      "option 'seed' is not supported by the ChatGPT backend; dropped",
    ]);
    const json = chat({ messages: [{ role: "user", content: "hi" }], format: "json", think: false });
    expect(json.chat.response_format).toEqual({ type: "json_object" });
    expect(json.chat.reasoning_effort).toBe("none");
    expect(json.thinking).toBe(false);
    expect(
      chat({ messages: [{ role: "user", content: "hi" }], think: true }).chat.reasoning_effort,
    ).toBeUndefined();
  });

  it("answers a request without messages as a load (or an unload with keep_alive 0)", () => {
    expect(chat({}).load).toBe("load");
    expect(chat({ messages: [], keep_alive: 0 }).load).toBe("unload");
  });

  it("refuses what cannot be honoured with a 400 naming the field", () => {
    const refuse = (body: Record<string, unknown>) => {
      try {
        chat(body);
      } catch (error) {
        return {
          status: (error as { status: number }).status,
          message: (error as Error).message,
          param: (error as { param: string }).param,
        };
      }
      return null;
    };
    expect(refuse({ messages: [{ role: "user", content: "x", images: ["AAAA"] }] })).toMatchObject({
      status: 400,
      param: "messages[0].images[0]",
    });
    expect(refuse({ messages: [{ role: "wizard", content: "x" }] })).toMatchObject({
      status: 400,
      param: "messages[0].role",
    });
    expect(refuse({ model: "", messages: [] })).toMatchObject({ status: 400, param: "model" });
    expect(refuse({ logprobs: true })).toMatchObject({ status: 400, param: "logprobs" });
    expect(refuse({ messages: [{ role: "user", content: "x" }], think: "extreme" })).toMatchObject({
      status: 400,
      param: "think",
    });
  });
});

describe("convertOllamaGenerateRequest", () => {
  it("makes a one-turn chat of system, prompt and images; drops template, raw and context with warnings", () => {
    const converted = convertOllamaGenerateRequest(
      parseOllamaGenerateRequest({
        model: "gpt-5.4",
        system: "Answer in French.",
        prompt: "Describe this.",
        images: [JPEG],
        template: "{{ .Prompt }}",
        raw: true,
        context: [1, 2, 3],
        options: { num_ctx: 4096 },
      }),
    );
    expect(converted.chat.messages).toEqual([
      { role: "system", content: "Answer in French." },
      {
        role: "user",
        content: [
          { type: "text", text: "Describe this." },
          { type: "image_url", image_url: { url: `data:image/jpeg;base64,${JPEG}`, detail: "auto" } },
        ],
      },
    ]);
    expect(converted.warnings).toEqual([
      "option 'num_ctx' is not supported by the ChatGPT backend; dropped",
      "parameter 'template' dropped: the backend applies its own template",
      "parameter 'raw' dropped: the prompt is sent as a user message",
      "parameter 'context' dropped: send the conversation with /api/chat instead",
    ]);
    expect(converted.load).toBeNull();
  });

  it("answers an empty prompt as a load, and refuses a suffix (no fill-in-the-middle)", () => {
    expect(convertOllamaGenerateRequest(parseOllamaGenerateRequest({ model: "m" })).load).toBe("load");
    expect(() => parseOllamaGenerateRequest({ model: "m", prompt: "def f(", suffix: "return x" })).toThrow(
      /does not support insert/,
    );
  });
});
