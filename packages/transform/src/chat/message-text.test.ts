import { describe, expect, it } from "vitest";
import { messageText } from "./message-text.js";

describe("messageText", () => {
  it("joins text and refusal parts without separators and reads nothing else", () => {
    expect(messageText("plain")).toBe("plain");
    expect(messageText(null)).toBe("");
    expect(messageText(undefined)).toBe("");
    expect(
      messageText([
        { type: "text", text: "a" },
        { type: "image_url", image_url: { url: "https://example.com/x.png" } },
        { type: "text", text: "b" },
      ]),
    ).toBe("ab");
    expect(
      messageText([
        { type: "text", text: "no: " },
        { type: "refusal", refusal: "I can't." },
      ]),
    ).toBe("no: I can't.");
  });
});
