import { describe, expect, it } from "vitest";
import { parseChatCompletionRequest } from "../chat/parse-chat-completion-request.js";
import {
  parseResponsesRequest,
  responsesPromptCacheKey,
  sanitizeResponsesRequest,
} from "../responses/sanitize-responses-request.js";
import { chatPromptCacheKey, convertChatRequestToResponses } from "./convert-chat-request-to-responses.js";

const model = {
  slug: "gpt-5.4",
  effort: null,
  summary: null,
  verbosity: null,
  serviceTier: null,
  reasoningContext: null,
};

describe("the conversation key a server routes by", () => {
  it("is the key the chat converter sends, and a key passed in is used as it is", () => {
    const request = parseChatCompletionRequest({
      model: "gpt-5.4",
      messages: [
        { role: "system", content: "rules" },
        { role: "user", content: "hello" },
      ],
    });
    const key = chatPromptCacheKey(request);
    const options = { model, instructions: "rules", systemMessages: "instructions" as const };
    expect(convertChatRequestToResponses(request, options).promptCacheKey).toBe(key);
    const passed = convertChatRequestToResponses(request, { ...options, promptCacheKey: "given" });
    expect(passed.promptCacheKey).toBe("given");
    expect(passed.value.prompt_cache_key).toBe("given");
  });

  it("is the key the Responses sanitiser sends, for string and item input", () => {
    for (const body of [
      { model: "gpt-5.4", input: "hello", instructions: "rules" },
      { model: "gpt-5.4", input: [{ role: "user", content: [{ type: "input_text", text: "hello" }] }] },
      { model: "gpt-5.4", input: "x", prompt_cache_key: "client-key" },
    ]) {
      const key = responsesPromptCacheKey(parseResponsesRequest(body));
      const options = { model, instructions: "", systemMessages: "instructions" as const };
      expect(sanitizeResponsesRequest(body, options).promptCacheKey).toBe(key);
      expect(
        sanitizeResponsesRequest(body, { ...options, promptCacheKey: key }).value["prompt_cache_key"],
      ).toBe(key);
    }
  });
});
