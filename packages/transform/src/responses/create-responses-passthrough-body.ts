import { createParser } from "eventsource-parser";
import { mapStreamFailure } from "../errors/map-stream-failure.js";
import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import { encodeSseEvent } from "../sse/encode-sse.js";
import type { SseParseStats } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { PullBody } from "../stream/pull-body.js";
import { describeReadFailure, type ReadFailureDescriber } from "../stream/read-failure.js";
import { OutputItemsCollector } from "./output-items-collector.js";
import { PUBLIC_RESPONSES_EVENT_TYPES } from "./public-event-types.js";
import { parseResponsesEvent, type ResponsesUsage } from "./responses-api.js";

/** What the passthrough saw, for logging and the dashboard. */
export interface ResponsesPassthroughState {
  /** `completed`, `incomplete`, `failed`, or `null` while no terminal event arrived. */
  status: "completed" | "incomplete" | "failed" | null;
  usage: ResponsesUsage | null;
  responseId: string | null;
  /** The backend event stream ended without a terminal event (an `error` event was added). */
  truncated: boolean;
  /**
   * The failure of this answer (a `response.failed`/`error` event, a cut stream), or `null`. While
   * nothing has been sent, the server answers it as an HTTP error instead of a stream.
   */
  failure: OpenAIHttpError | null;
}

/** Options of {@link createResponsesPassthroughBody}. */
export interface ResponsesPassthroughOptions {
  /** Called once when the body is complete. */
  onDone?: (state: ResponsesPassthroughState) => void;
  /**
   * Hold `response.created` and `response.in_progress` back until a later event arrives, so a request
   * the backend fails at once can still be answered with an HTTP error status (default false).
   */
  holdUntilOutput?: boolean;
  /** Maps an upstream read failure (idle timeout, cut connection) to the client's error. */
  describeReadError?: ReadFailureDescriber;
  /** Clock in milliseconds, for reset times in usage-limit errors. */
  now?: () => number;
  /**
   * The client's own `instructions` (`null` when it sent none), written into the `response` of
   * `response.created`, `response.in_progress` and the terminal events in place of the backend's (the
   * proxy's base prompt, about 20 KB, in codex mode). `undefined` forwards the backend's value.
   */
  instructions?: string | null;
  /**
   * Forward only the event types of the public Responses API ({@link PUBLIC_RESPONSES_EVENT_TYPES}):
   * for a client that declared itself the official SDK's stream helper, whose accumulator throws on any
   * other type (`response.metadata`, a type the backend added). They still count in `stats`. Default
   * false: every event goes out verbatim.
   */
  publicEventsOnly?: boolean;
}

/** The client-facing body and the state behind it. */
export interface ResponsesPassthroughBody {
  /** Pull it with `next()` (the server) or read it as `toReadableStream()`. */
  body: PullBody;
  state: ResponsesPassthroughState;
  stats: SseParseStats;
}

const QUIET = new Set(["response.created", "response.in_progress"]);
const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed", "error"]);
/** The events whose `response` echoes the request (its `instructions`). */
const LIFECYCLE = new Set([
  "response.created",
  "response.in_progress",
  "response.completed",
  "response.incomplete",
  "response.failed",
]);

type JsonObject = Record<string, unknown>;
const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * For streaming `/v1/responses`: forwards the backend events as they are, in order, re-framed as
 * `event: <type>` + `data: <json>` (each `data` is parsed once to check it), event types this package
 * does not know included; garbage is skipped. Only the lifecycle events are re-serialised: their
 * `response.instructions` becomes the client's (option `instructions`), and a terminal
 * `response.completed` / `response.incomplete` whose `output` is empty gets the items of the
 * `response.output_item.done` events, in `output_index` order (the same {@link OutputItemsCollector}
 * the non-stream aggregator uses). Every other event's `data` is forwarded byte for byte. An EOF or read failure
 * without a terminal event becomes a Responses API `error` event (`{type:"error", code, message,
 * param, sequence_number, error}`). After a terminal event the body ends and the rest of the upstream
 * is drained. Like the real Responses API, the stream ends without `data: [DONE]`. With
 * `publicEventsOnly`, event types outside the public Responses API are left out.
 */
export function createResponsesPassthroughBody(
  upstream: ByteSource,
  options: ResponsesPassthroughOptions = {},
): ResponsesPassthroughBody {
  const state: ResponsesPassthroughState = {
    status: null,
    usage: null,
    responseId: null,
    truncated: false,
    failure: null,
  };
  const stats: SseParseStats = { events: 0, unknown: 0, skipped: 0 };
  const output = new OutputItemsCollector();
  const echoInstructions = options.instructions !== undefined;
  const decoder = new TextDecoder();
  let pending = "";
  let holding = options.holdUntilOutput === true;
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
      if (typeof type !== "string" || /[\r\n]/.test(type)) {
        stats.skipped++;
        return;
      }
      const sequence = (json as { sequence_number?: unknown }).sequence_number;
      const parsed = parseResponsesEvent(json);
      let data = message.data;
      if (parsed.ok) {
        stats.events++;
        const event = parsed.event;
        switch (event.type) {
          case "response.output_item.done":
            output.addItem(event.output_index, event.item);
            break;
          case "response.output_text.delta":
            output.addText(event.delta);
            break;
          default:
            break;
        }
        switch (event.type) {
          case "response.created":
          case "response.completed":
          case "response.incomplete":
          case "response.failed":
            state.responseId ??= event.response.id ?? null;
            if (event.response.usage) state.usage = event.response.usage;
            break;
          default:
            break;
        }
        if (event.type === "response.failed" || event.type === "error") {
          state.failure = mapStreamFailure(event, { now: options.now?.() ?? Date.now() });
        }
      } else if (parsed.reason === "unknown_type") stats.unknown++;
      else {
        stats.skipped++;
        return;
      }
      if (options.publicEventsOnly === true && !PUBLIC_RESPONSES_EVENT_TYPES.has(type)) return;
      if (LIFECYCLE.has(type)) data = rewriteLifecycle(json, type, data);
      pending += `event: ${type}\ndata: ${data}\n\n`;
      forwarded++;
      if (typeof sequence === "number" && Number.isFinite(sequence)) lastSequence = sequence;
      if (!QUIET.has(type)) holding = false;
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
  const body = new PullBody(upstream, {
    feed: (chunk) => parser.feed(decoder.decode(chunk, { stream: true })),
    endOfInput: () => parser.feed(`${decoder.decode()}\n\n`),
    upstreamEnd: () => (terminal ? "drain" : false),
    take: () => {
      if (holding) return "";
      const text = pending;
      pending = "";
      return text;
    },
    finish: (readError) => {
      if (!terminal) {
        state.truncated = true;
        const failure = describeReadFailure(readError, options.describeReadError);
        state.failure = failure;
        const error = failure.body.error;
        const code = error.code ?? "upstream_error";
        // `sequence_number` continues the stream's numbering: strict clients (the Vercel AI SDK)
        // only recognise an error event that carries one. The nested `error` is what the openai SDKs read.
        pending += encodeSseEvent("error", {
          type: "error",
          code,
          message: error.message,
          param: error.param,
          sequence_number: lastSequence === null ? forwarded : lastSequence + 1,
          error: { ...error, code },
        });
      }
      const text = pending;
      pending = "";
      return text;
    },
    onClose: () => options.onDone?.(state),
  });
  return { body, state, stats };

  /** The lifecycle event's `data`, re-serialised only when something in it changes. */
  function rewriteLifecycle(json: unknown, type: string, data: string): string {
    const response = isJsonObject(json) ? json["response"] : undefined;
    if (!isJsonObject(response)) return data;
    let changed = false;
    if (echoInstructions) {
      response["instructions"] = options.instructions ?? null;
      changed = true;
    }
    if ((type === "response.completed" || type === "response.incomplete") && !output.isEmpty) {
      const sent = response["output"];
      if (!Array.isArray(sent) || sent.length === 0) {
        response["output"] = output.outputFor(null);
        changed = true;
      }
    }
    return changed ? JSON.stringify(json) : data;
  }
}
