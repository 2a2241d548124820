import { createStreamIncompleteError, mapStreamFailure } from "../errors/map-stream-failure.js";
import type { ResponsesEvent, ResponsesOutputItem, ResponsesResponse } from "./responses-api.js";

/** Options of {@link aggregateResponse}. */
export interface AggregateResponseOptions {
  /** The model name the client asked for; replaces the backend slug in the body. */
  model?: string;
  /** Clock in milliseconds, for reset times in usage-limit errors. */
  now?: () => number;
}

/** A Responses API `response` body rebuilt from the stream. */
export type AggregatedResponse = ResponsesResponse & {
  object: "response";
  status: string;
  output: ResponsesOutputItem[];
};

/**
 * Aggregates a backend event stream into one Responses API `response` object for a non-streaming
 * `/v1/responses` client: the terminal event's response (status, usage, …) with `output` rebuilt
 * from `response.output_item.done` events (by `output_index`) when the backend sent it empty.
 * `output_text` is left to the SDKs, as in OpenAI's own bodies.
 * @throws {OpenAIHttpError} for `response.failed` / `error` events and a stream without a terminal event.
 */
export async function aggregateResponse(
  events: Iterable<ResponsesEvent> | AsyncIterable<ResponsesEvent>,
  options: AggregateResponseOptions = {},
): Promise<AggregatedResponse> {
  const items: Array<{ index: number; order: number; item: ResponsesOutputItem }> = [];
  let text = "";
  let created: ResponsesResponse | null = null;
  for await (const event of events) {
    switch (event.type) {
      case "response.created":
        created = event.response;
        break;
      case "response.output_item.done":
        items.push({ index: event.output_index ?? items.length, order: items.length, item: event.item });
        break;
      case "response.output_text.delta":
        text += event.delta;
        break;
      case "response.failed":
      case "error":
        throw mapStreamFailure(event, { now: options.now?.() ?? Date.now() });
      case "response.completed":
      case "response.incomplete": {
        const response = { ...created, ...event.response };
        let output = response.output ?? [];
        if (output.length === 0) {
          output = items.sort((a, b) => a.index - b.index || a.order - b.order).map((entry) => entry.item);
        }
        if (output.length === 0 && text !== "") {
          output = [
            {
              type: "message",
              role: "assistant",
              status: "completed",
              content: [{ type: "output_text", text, annotations: [] }],
            },
          ];
        }
        return {
          ...response,
          object: "response",
          status: response.status ?? (event.type === "response.incomplete" ? "incomplete" : "completed"),
          ...(options.model ? { model: options.model } : {}),
          output,
        };
      }
      default:
        break;
    }
  }
  throw createStreamIncompleteError();
}
