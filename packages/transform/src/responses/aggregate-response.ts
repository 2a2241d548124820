import { createStreamIncompleteError, mapStreamFailure } from "../errors/map-stream-failure.js";
import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import { createResponsesEventParser } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { PullBody } from "../stream/pull-body.js";
import { describeReadFailure, type ReadFailureDescriber } from "../stream/read-failure.js";
import { OutputItemsCollector } from "./output-items-collector.js";
import type { ResponsesEvent, ResponsesOutputItem, ResponsesResponse } from "./responses-api.js";

/** Options of {@link aggregateResponse}. */
export interface AggregateResponseOptions {
  /** The model name the client asked for; replaces the backend slug in the body. */
  model?: string;
  /** Clock in milliseconds, for reset times in usage-limit errors. */
  now?: () => number;
  /** Maps an upstream read failure (idle timeout, cut connection) to the client's error. */
  describeReadError?: ReadFailureDescriber;
  /**
   * The client's own `instructions` (`null` when it sent none), answered in place of the backend's
   * (which are the proxy's base prompt, about 20 KB, when it chose codex mode). `undefined` keeps the
   * backend's value.
   */
  instructions?: string | null;
}

/** A Responses API `response` body rebuilt from the stream. */
export type AggregatedResponse = ResponsesResponse & {
  object: "response";
  status: string;
  output: ResponsesOutputItem[];
};

/**
 * Folds backend events into one Responses API `response` object (the state machine behind
 * {@link aggregateResponse}): the terminal event's response (status, usage, …) with `output` rebuilt
 * from `response.output_item.done` events (by `output_index`) when the backend sent it empty.
 */
class ResponseAggregator {
  private readonly output = new OutputItemsCollector();
  private created: ResponsesResponse | null = null;
  /** The finished response, once a terminal event arrived. */
  result: AggregatedResponse | null = null;
  /** The failure, once a `response.failed` / `error` event arrived. */
  failure: OpenAIHttpError | null = null;

  constructor(private readonly options: AggregateResponseOptions) {}

  get done(): boolean {
    return this.result !== null || this.failure !== null;
  }

  push(event: ResponsesEvent): void {
    if (this.done) return;
    switch (event.type) {
      case "response.created":
        this.created = event.response;
        break;
      case "response.output_item.done":
        this.output.addItem(event.output_index, event.item);
        break;
      case "response.output_text.delta":
        this.output.addText(event.delta);
        break;
      case "response.failed":
      case "error":
        this.failure = mapStreamFailure(event, { now: this.options.now?.() ?? Date.now() });
        break;
      case "response.completed":
      case "response.incomplete": {
        // The created response's fields under the terminal one's, copied with for-in (no spread on
        // the per-request path); the backend's `output` is then replaced by the rebuilt one.
        const result: AggregatedResponse = { object: "response", status: "completed", output: [] };
        const created = this.created;
        if (created !== null) for (const key in created) result[key] = created[key];
        const terminal = event.response;
        for (const key in terminal) result[key] = terminal[key];
        result.object = "response";
        result.status =
          terminal.status ?? (event.type === "response.incomplete" ? "incomplete" : "completed");
        result.output = this.output.outputFor(terminal.output);
        if (this.options.model) result.model = this.options.model;
        if (this.options.instructions !== undefined) result["instructions"] = this.options.instructions;
        this.result = result;
        break;
      }
      default:
        break;
    }
  }
}

/**
 * Reads a backend SSE body into one Responses API `response` object for a non-streaming
 * `/v1/responses` client, on the same pull loop as the streams: the terminal event's response
 * (status, usage, …) with `output` rebuilt from `response.output_item.done` events (by
 * `output_index`) when the backend sent it empty. `output_text` is left to the SDKs, as in OpenAI's
 * own bodies. Stops reading (and drains the rest) once a terminal event arrived.
 * @throws {OpenAIHttpError} for `response.failed` / `error` events, a read failure and a stream without a terminal event.
 */
export async function aggregateResponse(
  upstream: ByteSource,
  options: AggregateResponseOptions = {},
): Promise<AggregatedResponse> {
  const aggregator = new ResponseAggregator(options);
  let readFailure: OpenAIHttpError | null = null;
  const parser = createResponsesEventParser((event) => aggregator.push(event));
  await new PullBody(upstream, {
    feed: (chunk) => parser.feed(chunk),
    endOfInput: () => parser.end(),
    upstreamEnd: () => (aggregator.done ? "drain" : false),
    take: () => "",
    finish: (readError) => {
      if (readError !== undefined && !aggregator.done) {
        readFailure = describeReadFailure(readError, options.describeReadError);
      }
      return "";
    },
    onClose: () => {},
  }).text();
  if (aggregator.failure !== null) throw aggregator.failure;
  if (aggregator.result !== null) return aggregator.result;
  throw readFailure ?? createStreamIncompleteError();
}
