import { describe, expect, it } from "vitest";
import { aggregateChatCompletion } from "../aggregate/aggregate-chat-completion.js";
import { OpenAIHttpError } from "../errors/openai-http-error.js";
import { createResponsesPassthroughBody } from "../responses/create-responses-passthrough-body.js";
import { createSseEventStream } from "../sse/create-sse-event-stream.js";
import { MAX_SSE_LINE_BYTES, trailingLineBytes } from "../sse/line-bytes.js";
import type { ByteSource } from "./byte-source.js";
import { createChatCompletionSseBody } from "./create-chat-completion-sse-body.js";

const MiB = 1024 * 1024;

/** A backend that sends `data: ` and then 1 MiB chunks without a line end, forever; counts what it sent. */
function endlessLine(): ByteSource & { sent: number; cancelled: boolean } {
  const chunk = new Uint8Array(MiB).fill(0x61);
  const source = {
    sent: 0,
    cancelled: false,
    async read() {
      if (source.cancelled) return null;
      source.sent += MiB;
      return source.sent === MiB ? new TextEncoder().encode("data: ") : chunk;
    },
    cancel() {
      source.cancelled = true;
    },
  };
  return source;
}

describe("a backend line longer than MAX_SSE_LINE_BYTES", () => {
  it("counts only the unfinished line, for LF, CR and CRLF", () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(trailingLineBytes(5, bytes("abc"))).toBe(8);
    expect(trailingLineBytes(5, bytes("a\nbc"))).toBe(2);
    expect(trailingLineBytes(5, bytes("a\rbcd"))).toBe(3);
    expect(trailingLineBytes(5, bytes("a\r\n"))).toBe(0);
  });

  it("ends a chat stream with 502 upstream_line_too_long and cancels the upstream", async () => {
    const source = endlessLine();
    const sse = createChatCompletionSseBody(source, { model: "m", created: 1, includeUsage: false });
    const text = await sse.body.text();
    expect(sse.failure?.status).toBe(502);
    expect(sse.failure?.code).toBe("upstream_line_too_long");
    expect(text).toContain("upstream_line_too_long");
    expect(source.cancelled).toBe(true);
    expect(source.sent).toBeLessThanOrEqual(MAX_SSE_LINE_BYTES + 2 * MiB);
  });

  it("rejects an aggregated chat completion and a Responses passthrough the same way", async () => {
    const error = await aggregateChatCompletion(endlessLine(), { model: "m", created: 1 }).catch(
      (e: unknown) => e,
    );
    expect(OpenAIHttpError.isInstance(error) && error.code).toBe("upstream_line_too_long");
    const passthrough = createResponsesPassthroughBody(endlessLine());
    await passthrough.body.text();
    expect(passthrough.state.failure?.code).toBe("upstream_line_too_long");
  });

  it("errors the Web Streams event stream (n > 1)", async () => {
    const source = endlessLine();
    const bytes = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = await source.read();
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
      cancel: () => source.cancel(),
    });
    const reader = bytes.pipeThrough(createSseEventStream()).getReader();
    const error = await reader.read().catch((e: unknown) => e);
    expect(OpenAIHttpError.isInstance(error) && error.code).toBe("upstream_line_too_long");
    expect(source.sent).toBeLessThanOrEqual(MAX_SSE_LINE_BYTES + 4 * MiB);
  });
});
