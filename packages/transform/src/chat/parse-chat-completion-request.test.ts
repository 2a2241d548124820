import { describe, expect, it } from "vitest";
import { OpenAIHttpError } from "../errors/openai-http-error.js";
import { parseChatCompletionRequest } from "./parse-chat-completion-request.js";

const ok = { model: "gpt-5.5", messages: [{ role: "user", content: "hi" }] };

function failure(body: unknown): OpenAIHttpError {
  try {
    parseChatCompletionRequest(body);
  } catch (error) {
    if (OpenAIHttpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a 400");
}

describe("parseChatCompletionRequest", () => {
  it("accepts a minimal request and keeps unknown top-level keys for warnings", () => {
    const request = parseChatCompletionRequest({ ...ok, foo: 1 });
    expect(request.model).toBe("gpt-5.5");
    expect(request["foo"]).toBe(1);
  });

  it("rejects a non-object body", () => {
    expect(failure("nope").status).toBe(400);
    expect(failure([1]).body.error.type).toBe("invalid_request_error");
  });

  it("names a missing field", () => {
    const error = failure({ messages: ok.messages });
    expect(error.status).toBe(400);
    expect(error.body.error).toMatchObject({ type: "invalid_request_error", param: "model" });
    expect(error.message).toContain("Missing required parameter");
  });

  it("names the broken image URL param", () => {
    const error = failure({
      model: "m",
      messages: [
        { role: "system", content: "s" },
        { role: "user", content: "a" },
        { role: "assistant", content: "b" },
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "data:image/png;base64,@@@" } },
          ],
        },
      ],
    });
    expect(error.param).toBe("messages[3].content[1].image_url");
    expect(error.message).toContain("data URL");
  });

  it("accepts http(s) and data image URLs with detail", () => {
    const request = parseChatCompletionRequest({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
      ],
    });
    expect(request.messages).toHaveLength(1);
    expect(
      failure({
        model: "m",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }],
      }).param,
    ).toBe("messages[0].content[0].image_url");
  });

  it("names a wrong type inside a message", () => {
    const error = failure({ model: "m", messages: [{ role: "user", content: 5 }] });
    expect(error.param).toBe("messages[0].content");
    expect(error.message).toContain("Invalid type");
  });

  it("names an unknown role", () => {
    expect(failure({ model: "m", messages: [{ role: "wizard", content: "x" }] }).param).toBe(
      "messages[0].role",
    );
  });

  it("says which roles are accepted and what was sent", () => {
    expect(failure({ model: "m", messages: [{ role: "wizard", content: "x" }] }).message).toBe(
      `Invalid value for 'messages[0].role': expected one of "system", "developer", "user", "assistant", "tool", "function", but got 'wizard'.`,
    );
  });

  it("reports a missing message content as missing, not as a wrong type", () => {
    const error = failure({ model: "m", messages: [{ role: "user" }] });
    expect(error.param).toBe("messages[0].content");
    expect(error.message).toBe("Missing required parameter: 'messages[0].content'.");
  });

  it("echoes a short wrong enum value in the message", () => {
    const error = failure({
      ...ok,
      messages: [
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: "https://a.b/c.png", detail: "ultra" } }],
        },
      ],
    });
    expect(error.param).toBe("messages[0].content[0].image_url.detail");
    expect(error.message).toContain("but got 'ultra'");
  });

  it("requires tool_call_id on tool messages", () => {
    expect(failure({ model: "m", messages: [{ role: "tool", content: "x" }] }).param).toBe(
      "messages[0].tool_call_id",
    );
  });

  it.each([
    ["temperature", 3],
    ["temperature", "hot"],
    ["top_p", 1.5],
    ["max_tokens", 0],
    ["max_tokens", 1.5],
    ["max_completion_tokens", -1],
    ["presence_penalty", 5],
    ["frequency_penalty", -3],
    ["n", 0],
    ["seed", 1.2],
    ["user", 7],
    ["metadata", { a: 1 }],
    ["logit_bias", { "50256": 101 }],
    ["stream_options", "yes"],
    ["store", "no"],
    ["stop", ["a", "b", "c", "d", "e"]],
    ["top_logprobs", 21],
  ])("validates dropped parameter %s = %j like OpenAI (400 naming the param)", (key, value) => {
    const error = failure({ ...ok, [key]: value });
    expect(error.status).toBe(400);
    expect(error.param?.startsWith(key)).toBe(true);
  });

  it("accepts null for optional parameters", () => {
    expect(() =>
      parseChatCompletionRequest({
        ...ok,
        temperature: null,
        max_tokens: null,
        stop: null,
        tools: null,
        n: null,
      }),
    ).not.toThrow();
  });

  it.each([
    [{ logprobs: true }, "logprobs", "log probabilities"],
    [{ top_logprobs: 3 }, "top_logprobs", "log probabilities"],
    [{ modalities: ["text", "audio"] }, "modalities", "Audio output"],
    [{ audio: { voice: "alloy", format: "mp3" } }, "audio", "Audio output"],
  ])("refuses %j with a message that says why", (extra, param, words) => {
    const error = failure({ ...ok, ...extra });
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(words);
  });

  it("refuses audio input parts", () => {
    const error = failure({
      model: "m",
      messages: [
        { role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] },
      ],
    });
    expect(error.param).toBe("messages[0].content[0]");
  });

  it("accepts logprobs: false and modalities: [text]", () => {
    expect(() => parseChatCompletionRequest({ ...ok, logprobs: false, modalities: ["text"] })).not.toThrow();
  });

  it("validates response_format json_schema names", () => {
    const error = failure({
      ...ok,
      response_format: { type: "json_schema", json_schema: { name: "bad name!" } },
    });
    expect(error.param).toBe("response_format.json_schema.name");
  });
});
