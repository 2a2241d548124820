import { TestkitError } from "./testkit-error.js";

const encoder = new TextEncoder();

/** Bytes, or text that is encoded as UTF-8 first. */
export type BytesOrText = Uint8Array | string;

const toBytes = (input: BytesOrText): Uint8Array =>
  typeof input === "string" ? encoder.encode(input) : input;

/**
 * Cuts `input` at the given byte offsets, anywhere: inside a line, a `\r\n` pair or a multi-byte
 * character, which is where SSE parsers break. Offsets are clamped to `0..length`, sorted and
 * de-duplicated; an offset of 0 or `length` yields an empty part, which a parser must also survive.
 * The parts are views of the same bytes and together are exactly `input`.
 */
export function splitAt(input: BytesOrText, offsets: readonly number[]): Uint8Array[] {
  const bytes = toBytes(input);
  const cuts = [...new Set(offsets.map((o) => Math.min(Math.max(0, Math.trunc(o)), bytes.length)))].sort(
    (a, b) => a - b,
  );
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    parts.push(bytes.subarray(start, cut));
    start = cut;
  }
  parts.push(bytes.subarray(start));
  return parts;
}

/** Cuts `input` into pieces of `size` bytes (the last may be shorter), as a slow network would deliver it. */
export function chunkEvery(input: BytesOrText, size: number): Uint8Array[] {
  if (!Number.isInteger(size) || size < 1) {
    throw new TestkitError("TESTKIT_INVALID_ARGUMENT", `chunk size must be a positive integer, got ${size}`);
  }
  const bytes = toBytes(input);
  const parts: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) parts.push(bytes.subarray(start, start + size));
  return parts;
}

/** Options of {@link streamFromChunks}. */
export interface StreamFromChunksOptions {
  /** After this many chunks, fail the stream instead of closing it (a connection reset mid-body). */
  failAfter?: number;
  /** The error the stream fails with. Default: an `Error` with code `ECONNRESET`. */
  failure?: unknown;
}

/**
 * A byte stream that hands out `chunks` one read at a time (pull-based, so each chunk is its own
 * read, as from a socket) and then closes, or fails after `failAfter` chunks.
 */
export function streamFromChunks(
  chunks: readonly BytesOrText[],
  options: StreamFromChunksOptions = {},
): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && index >= options.failAfter) {
        controller.error(
          options.failure ?? Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
        );
        return;
      }
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(toBytes(chunk));
    },
  });
}
