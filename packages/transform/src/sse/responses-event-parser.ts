import { createParser, type EventSourceParser } from "eventsource-parser";
import { parseResponsesEvent, type ResponsesEvent } from "../responses/responses-api.js";
import { Utf8Text } from "./utf8-text.js";

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

/** The parser behind {@link createResponsesEventParser}. */
class ResponsesSseParser implements ResponsesEventParser {
  readonly stats: SseParseStats = { events: 0, unknown: 0, skipped: 0 };
  private readonly text = new Utf8Text();
  private readonly parser: EventSourceParser;

  constructor(private readonly onEvent: (event: ResponsesEvent) => void) {
    this.parser = createParser({
      onEvent: (message) => this.message(message.data),
      onError: () => {
        this.stats.skipped++;
      },
    });
  }

  feed(chunk: Uint8Array | string): void {
    this.parser.feed(typeof chunk === "string" ? chunk : this.text.decode(chunk));
  }

  end(): void {
    this.parser.feed(`${this.text.end()}\n\n`);
  }

  private message(data: string): void {
    if (data === "[DONE]" || data === "") return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.stats.skipped++;
      return;
    }
    const result = parseResponsesEvent(json);
    if (result.ok) {
      this.stats.events++;
      this.onEvent(result.event);
    } else if (result.reason === "unknown_type") this.stats.unknown++;
    else this.stats.skipped++;
  }
}

/**
 * Creates an SSE parser for the backend stream: tolerates missing `event:` lines, CRLF, comments,
 * `[DONE]`, garbage lines (skipped and counted) and deltas of any size; parses each `data` JSON
 * once and validates it with {@link parseResponsesEvent}.
 */
export function createResponsesEventParser(onEvent: (event: ResponsesEvent) => void): ResponsesEventParser {
  return new ResponsesSseParser(onEvent);
}
