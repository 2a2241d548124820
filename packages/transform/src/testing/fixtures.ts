import { readFileSync } from "node:fs";
import { parseResponsesEvent, type ResponsesEvent } from "../responses/responses-api.js";
import type { ByteSource } from "../stream/byte-source.js";

/** The URL of a recorded data file in `src/__fixtures__/`, e.g. `cli_responses_fixture.openai-codex.sse`. */
export function fixtureUrl(fileName: string): URL {
  return new URL(`../__fixtures__/${fileName}`, import.meta.url);
}

/** Reads `src/__fixtures__/<name>.chunks.txt` (one backend event JSON per line) as raw JSON objects. */
export function loadRawEvents(name: string): Record<string, unknown>[] {
  const text = readFileSync(fixtureUrl(`${name}.chunks.txt`), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Reads a fixture as validated backend events (unknown types dropped, like the SSE parser does). */
export function loadEvents(name: string): ResponsesEvent[] {
  const events: ResponsesEvent[] = [];
  for (const raw of loadRawEvents(name)) {
    const result = parseResponsesEvent(raw);
    if (result.ok) events.push(result.event);
  }
  return events;
}

/** Frames raw events as backend SSE text (`event:` + `data:` lines, like the real backend). */
export function toSse(
  events: readonly Record<string, unknown>[],
  options: { eventLines?: boolean; crlf?: boolean } = {},
): string {
  const nl = options.crlf ? "\r\n" : "\n";
  return events
    .map((event) => {
      const data = `data: ${JSON.stringify(event)}${nl}${nl}`;
      return options.eventLines === false ? data : `event: ${String(event["type"])}${nl}${data}`;
    })
    .join("");
}

/**
 * A `ReadableStream` of the given values (events, chat chunks, objects to encode). For bytes use
 * `@cmp/testkit`'s `streamFromChunks`, which hands out one chunk per read like a socket.
 */
export function streamOf<T>(parts: readonly T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

/** Reads a stream to the end. */
export async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of stream as unknown as AsyncIterable<T>) out.push(value);
  return out;
}

/** A {@link ByteSource} that hands out `parts` (strings are UTF-8 encoded) and records whether it was cancelled. */
export function bytesSource(parts: readonly (Uint8Array | string)[]): ByteSource & { cancelled: boolean } {
  const queue = parts.map((part) => (typeof part === "string" ? new TextEncoder().encode(part) : part));
  const source = {
    cancelled: false,
    read: async () => (source.cancelled ? null : (queue.shift() ?? null)),
    cancel: () => {
      source.cancelled = true;
    },
  };
  return source;
}

/** A {@link ByteSource} over the backend SSE framing of `events` (one chunk per event). */
export function eventSource(events: readonly object[]): ByteSource & { cancelled: boolean } {
  return bytesSource(events.map((event) => toSse([event as Record<string, unknown>])));
}
