import { describe, expect, it } from "vitest";
import { chunkEvery, splitAt, streamFromChunks } from "./split-bytes.js";
import { TestkitError } from "./testkit-error.js";

const decoder = new TextDecoder();
const join = (parts: Uint8Array[]) => Buffer.concat(parts).toString("utf8");

describe("splitAt", () => {
  it("cuts at any byte, including inside a multi-byte character, and loses nothing", () => {
    const text = 'data: {"t":"€"}\r\n\r\n';
    const length = Buffer.byteLength(text);
    const euro = Buffer.from(text).indexOf(Buffer.from("€"));
    const parts = splitAt(text, [euro + 1, 3, 3, 400, -2]);
    expect(parts.map((p) => p.length)).toEqual([0, 3, euro - 2, length - euro - 1, 0]);
    expect(join(parts)).toBe(text);
    expect(decoder.decode(parts[2])).toMatch(/\uFFFD$/);
  });

  it("with no offsets gives the input back whole", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(splitAt(bytes, [])).toEqual([bytes]);
  });
});

describe("chunkEvery", () => {
  it("cuts into fixed-size pieces, the last one shorter", () => {
    expect(chunkEvery("abcdefg", 3).map((p) => decoder.decode(p))).toEqual(["abc", "def", "g"]);
    expect(chunkEvery("", 3)).toEqual([]);
  });

  it("refuses a size below 1", () => {
    expect(() => chunkEvery("abc", 0)).toThrow(TestkitError);
  });
});

describe("streamFromChunks", () => {
  it("hands out one chunk per read, then closes", async () => {
    const reader = streamFromChunks(["ab", new Uint8Array([99])]).getReader();
    expect(decoder.decode((await reader.read()).value)).toBe("ab");
    expect(decoder.decode((await reader.read()).value)).toBe("c");
    expect((await reader.read()).done).toBe(true);
  });

  it("fails like a reset connection after failAfter chunks", async () => {
    const reader = streamFromChunks(["a", "b"], { failAfter: 1 }).getReader();
    expect(decoder.decode((await reader.read()).value)).toBe("a");
    await expect(reader.read()).rejects.toMatchObject({ code: "ECONNRESET" });
  });
});
