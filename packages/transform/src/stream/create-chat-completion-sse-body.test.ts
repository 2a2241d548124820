import { describe, expect, it } from "vitest";
import { bytesSource, loadRawEvents, toSse } from "../testing/fixtures.js";
import { createChatCompletionSseBody } from "./create-chat-completion-sse-body.js";

const options = { model: "gpt-5.5", created: 1764270000, includeUsage: false };

describe("createChatCompletionSseBody", () => {
  it("after a terminal event drains the rest of the upstream (its keep-alive socket is reused), never cancels it", async () => {
    const upstream = bytesSource([toSse(loadRawEvents("text")), ": trailing comment\n\n", ""]);
    const { body, failure } = createChatCompletionSseBody(upstream, options);
    const text = await body.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(failure).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(upstream.cancelled).toBe(false);
  });

  it("after a stop sequence cancels the upstream (the backend would keep generating)", async () => {
    const upstream = bytesSource(loadRawEvents("stop-spanning").map((event) => toSse([event])));
    const { body, mapper } = createChatCompletionSseBody(upstream, { ...options, stop: "END" });
    await body.text();
    expect(mapper.stopped).toBe(true);
    expect(upstream.cancelled).toBe(true);
  });

  it("reports a failure before any output, for the server to answer with its HTTP status", async () => {
    const { body, failure } = createChatCompletionSseBody(
      bytesSource([toSse(loadRawEvents("failed-usage-limit"))]),
      options,
    );
    expect(failure).toBeNull();
    const sse = createChatCompletionSseBody(
      bytesSource([toSse(loadRawEvents("failed-usage-limit"))]),
      options,
    );
    await sse.body.next();
    expect(sse.failure?.status).toBe(429);
    expect(await body.text()).toContain("usage_limit_reached");
  });
});
