import { describe, expect, it } from "vitest";
import { collectSystemPrompts } from "./collect-system-prompts.js";
import { parseChatCompletionRequest } from "./parse-chat-completion-request.js";

describe("collectSystemPrompts", () => {
  it("returns the leading system and developer texts in order, joining text parts", () => {
    const request = parseChatCompletionRequest({
      model: "m",
      messages: [
        { role: "system", content: "one" },
        {
          role: "developer",
          content: [
            { type: "text", text: "two" },
            { type: "text", text: "!" },
          ],
        },
        { role: "user", content: "u" },
        { role: "system", content: "later" },
      ],
    });
    // A system message after the conversation started is not part of the instructions.
    expect(collectSystemPrompts(request)).toEqual(["one", "two!"]);
  });
});
