import { createParser } from "eventsource-parser";
import { encodeSseEvent } from "../sse/encode-sse.js";
import type { SseParseStats } from "../sse/responses-event-parser.js";
import { createPullBody } from "../stream/create-pull-body.js";
import { parseResponsesEvent, type ResponsesUsage } from "./responses-api.js";

/** What the passthrough saw, for logging and the dashboard. */
export interface ResponsesPassthroughState {
  /** `completed`, `incomplete`, `failed`, or `null` while no terminal event arrived. */
  status: "completed" | "incomplete" | "failed" | null;
  usage: ResponsesUsage | null;
  responseId: string | null;
  /** The backend event stream ended without a terminal event (an `error` event was added). */
  truncated: boolean;
}

/** Options of {@link createResponsesPassthroughBody}. */
export interface ResponsesPassthroughOptions {
  /** Called once when the body is complete. */
  onDone?: (state: ResponsesPassthroughState) => void;
}

/** The client-facing body and the state behind it. */
export interface ResponsesPassthroughBody {
  body: ReadableStream<Uint8Array>;
  state: ResponsesPassthroughState;
  stats: SseParseStats;
}

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed", "error"]);

/**
 * For streaming `/v1/responses`: forwards the backend events as they are, re-framed as
 * `event: <type>` + `data: <json>` (each `data` is parsed once to check it and never
 * re-serialised), skipping garbage. An EOF or read failure without a terminal event becomes a
 * Responses API `error` event (`{type:"error", code:"stream_incomplete", message, param,
 * sequence_number}`).
 * After a terminal event the body ends and the upstream is cancelled.
 */
export function createResponsesPassthroughBody(
  upstream: ReadableStream<Uint8Array>,
  options: ResponsesPassthroughOptions = {},
): ResponsesPassthroughBody {
  const state: ResponsesPassthroughState = { status: null, usage: null, responseId: null, truncated: false };
  const stats: SseParseStats = { events: 0, unknown: 0, skipped: 0 };
  const decoder = new TextDecoder();
  let pending = "";
  let terminal = false;
  let forwarded = 0;
  let lastSequence: number | null = null;
  const parser = createParser({
    onEvent(message) {
      if (terminal || message.data === "[DONE]" || message.data === "") return;
      let json: unknown;
      try {
        json = JSON.parse(message.data);
      } catch {
        stats.skipped++;
        return;
      }
      const type = typeof json === "object" && json !== null ? (json as { type?: unknown }).type : undefined;
      if (typeof type !== "string") {
        stats.skipped++;
        return;
      }
      const sequence = (json as { sequence_number?: unknown }).sequence_number;
      const parsed = parseResponsesEvent(json);
      if (parsed.ok) {
        stats.events++;
        const event = parsed.event;
        if (
          event.type === "response.created" ||
          event.type === "response.completed" ||
          event.type === "response.incomplete" ||
          event.type === "response.failed"
        ) {
          state.responseId ??= event.response.id ?? null;
          if (event.response.usage) state.usage = event.response.usage;
        }
      } else if (parsed.reason === "unknown_type") stats.unknown++;
      else {
        stats.skipped++;
        return;
      }
      pending += `event: ${type}\ndata: ${message.data}\n\n`;
      forwarded++;
      if (typeof sequence === "number" && Number.isFinite(sequence)) lastSequence = sequence;
      if (TERMINAL.has(type)) {
        terminal = true;
        state.status =
          type === "response.completed"
            ? "completed"
            : type === "response.incomplete"
              ? "incomplete"
              : "failed";
      }
    },
    onError() {
      stats.skipped++;
    },
  });
  const body = createPullBody(upstream, {
    feed: (chunk) => parser.feed(decoder.decode(chunk, { stream: true })),
    endOfInput: () => parser.feed(`${decoder.decode()}\n\n`),
    finished: () => terminal,
    take: () => {
      const text = pending;
      pending = "";
      return text;
    },
    finish: () => {
      if (!terminal) {
        state.truncated = true;
        // `sequence_number` continues the stream's numbering: strict clients (the Vercel AI SDK)
        // only recognise an error event that carries one.
        pending += encodeSseEvent("error", {
          type: "error",
          code: "stream_incomplete",
          message:
            "The ChatGPT backend closed the stream before the response was completed; the answer may be cut off.",
          param: null,
          sequence_number: lastSequence === null ? forwarded : lastSequence + 1,
        });
      }
      const text = pending;
      pending = "";
      return text;
    },
    onClose: () => options.onDone?.(state),
  });
  return { body, state, stats };
}
