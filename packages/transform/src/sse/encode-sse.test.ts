import { describe, expect, it } from "vitest";
import { readAll, streamOf } from "../__fixtures__/fixtures.js";
import { createSseEncoderStream, encodeSse, encodeSseEvent, SSE_DONE } from "./encode-sse.js";

describe("encodeSse", () => {
  it("frames one JSON value as a data line", () => {
    expect(encodeSse({ a: "x\ny" })).toBe('data: {"a":"x\\ny"}\n\n');
    expect(encodeSseEvent("error", { b: 1 })).toBe('event: error\ndata: {"b":1}\n\n');
  });

  it("encodes a stream of chunks and ends with [DONE]", async () => {
    const bytes = await readAll(streamOf([{ n: 1 }, { n: 2 }]).pipeThrough(createSseEncoderStream()));
    const text = bytes.map((b) => new TextDecoder().decode(b)).join("");
    expect(text).toBe(`data: {"n":1}\n\ndata: {"n":2}\n\n${SSE_DONE}`);
  });
});
