import { describe, expect, it } from "vitest";
import { readAll, streamOf } from "../testing/fixtures.js";
import { createSseEncoderStream, encodeSse, encodeSseEvent, SSE_DONE } from "./encode-sse.js";
import { EncodeSseError } from "./encode-sse-error.js";

describe("encodeSse", () => {
  it("frames one JSON value as a data line", () => {
    expect(encodeSse({ a: "x\ny" })).toBe('data: {"a":"x\\ny"}\n\n');
    expect(encodeSseEvent("error", { b: 1 })).toBe('event: error\ndata: {"b":1}\n\n');
  });

  it("writes an id when given", () => {
    expect(encodeSseEvent("response.created", { n: 1 }, "7")).toBe(
      'event: response.created\nid: 7\ndata: {"n":1}\n\n',
    );
  });

  it.each([
    ["error\ndata: {}", undefined, "event"],
    ["error\r", undefined, "event"],
    ["error", "1\n\nevent: x", "id"],
    ["error", "1\r", "id"],
  ])("refuses CR or LF in the event name or id (%j, %j) with a typed error", (name, id, field) => {
    let thrown: unknown;
    try {
      encodeSseEvent(name, {}, id);
    } catch (error) {
      thrown = error;
    }
    expect(EncodeSseError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: "invalid_sse_field", field });
  });

  it("encodes a stream of chunks and ends with [DONE]", async () => {
    const bytes = await readAll(streamOf([{ n: 1 }, { n: 2 }]).pipeThrough(createSseEncoderStream()));
    const text = bytes.map((b) => new TextDecoder().decode(b)).join("");
    expect(text).toBe(`data: {"n":1}\n\ndata: {"n":2}\n\n${SSE_DONE}`);
  });
});
