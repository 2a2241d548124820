import { describe, expect, it } from "vitest";
import { collectSystemPrompts } from "./collect-system-prompts.js";
import { parseChatCompletionRequest } from "./parse-chat-completion-request.js";

describe("collectSystemPrompts", () => {
  it("returns system and developer texts in order, joining text parts", () => {
    const request = parseChatCompletionRequest({
      model: "m",
      messages: [
        { role: "system", content: "one" },
        { role: "user", content: "u" },
        {
          role: "developer",
          content: [
            { type: "text", text: "two" },
            { type: "text", text: "!" },
          ],
        },
      ],
    });
    expect(collectSystemPrompts(request)).toEqual(["one", "two!"]);
  });
});
