import { createParser } from "eventsource-parser";
import { parseResponsesEvent, type ResponsesEvent } from "../responses/responses-api.js";

/** Counters of what an SSE parser saw and skipped. */
export interface SseParseStats {
  /** Valid backend events delivered. */
  events: number;
  /** Well-formed events of types this package does not know (ignored). */
  unknown: number;
  /** Garbage: lines that are not SSE, data that is not JSON, malformed known events. */
  skipped: number;
}

/** An incremental bytes → backend events parser (the core of {@link createSseEventStream}). */
export interface ResponsesEventParser {
  /** Feeds bytes (or already-decoded text) in any split. */
  feed(chunk: Uint8Array | string): void;
  /** Flushes a final event that was not followed by a blank line. */
  end(): void;
  readonly stats: SseParseStats;
}

/**
 * Creates an SSE parser for the backend stream: tolerates missing `event:` lines, CRLF, comments,
 * `[DONE]`, garbage lines (skipped and counted) and deltas of any size; parses each `data` JSON
 * once and validates it with {@link parseResponsesEvent}.
 */
export function createResponsesEventParser(onEvent: (event: ResponsesEvent) => void): ResponsesEventParser {
  const stats: SseParseStats = { events: 0, unknown: 0, skipped: 0 };
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent(message) {
      const data = message.data;
      if (data === "[DONE]" || data === "") return;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        stats.skipped++;
        return;
      }
      const result = parseResponsesEvent(json);
      if (result.ok) {
        stats.events++;
        onEvent(result.event);
      } else if (result.reason === "unknown_type") stats.unknown++;
      else stats.skipped++;
    },
    onError() {
      stats.skipped++;
    },
  });
  return {
    feed(chunk) {
      parser.feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      const rest = decoder.decode();
      parser.feed(`${rest}\n\n`);
    },
    stats,
  };
}
