import { randomBytes } from "node:crypto";
import { createResponseEventLog } from "./response-event-log.js";
import { splitIntoDeltas } from "./response-events.js";
import type { ResponseStreamEvent } from "./sse-encode.js";

/** A `url_citation` annotation of an output text. */
export interface CitationSpec {
  url: string;
  title: string;
  /** Character range of the cited text in the message. */
  start: number;
  end: number;
}

/** One output item of a {@link buildFullResponseEvents} stream: every item type the backend streams. */
export type FullItemSpec =
  | { type: "message"; text: string; citations?: CitationSpec[] }
  | { type: "reasoning"; summary: string[] }
  | { type: "function_call"; name: string; arguments: string }
  | { type: "custom_tool_call"; name: string; input: string }
  | { type: "web_search_call"; query: string }
  | { type: "image_generation_call"; prompt: string };

/** What {@link buildFullResponseEvents} builds. */
export interface FullResponseEventsSpec {
  model?: string;
  responseId?: string;
  items: FullItemSpec[];
  /** The backend's `instructions` echoed in the lifecycle events (the proxy replaces them). */
  instructions?: string;
  /**
   * Also send the backend's `response.metadata` event and an event of a type no client knows, before the
   * terminal event (default false: they are not in OpenAI's public event list, and the openai Node SDK's
   * `responses.stream()` helper throws on any event type it does not know). `"metadata"`: only
   * `response.metadata` (the backend's real December 2026 event, which current SDKs know).
   */
  extras?: boolean | "metadata";
}

/** The type of the invented event {@link buildFullResponseEvents} adds: clients must get it verbatim. */
export const UNKNOWN_EVENT_TYPE = "response.cmp_future_feature.delta";

// A 1×1 transparent PNG: the smallest image a client can decode.
const PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/**
 * A backend stream with every event the Responses API sends for its item types, in the official order
 * and with the official fields: `response.created` → `response.in_progress` → per item
 * `output_item.added` … (content parts, text and annotation events; reasoning summary parts; function
 * argument and custom tool input deltas; web search and image generation progress) … `output_item.done`
 * → (with `extras`: `response.metadata` and one invented event type) → `response.completed` with
 * `output: []` (as the backend sends it). `sequence_number` counts from 0.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function buildFullResponseEvents(spec: FullResponseEventsSpec): ResponseStreamEvent[] {
  const model = spec.model ?? "gpt-5.4";
  const id = spec.responseId ?? `resp_${randomBytes(12).toString("hex")}`;
  const suffix = id.replace(/^resp_/, "");
  const createdAt = Math.floor(Date.now() / 1000);
  const { events, push, response } = createResponseEventLog({
    id,
    model,
    createdAt,
    instructions: spec.instructions ?? "You are Codex, a coding agent.",
  });

  push("response.created", { response: response("in_progress") });
  push("response.in_progress", { response: response("in_progress") });
  spec.items.forEach((item, outputIndex) => {
    const itemId = `${ITEM_PREFIX[item.type]}_${suffix}_${outputIndex}`;
    const added = (fields: Record<string, unknown>) =>
      push("response.output_item.added", { output_index: outputIndex, item: { id: itemId, ...fields } });
    const done = (fields: Record<string, unknown>) =>
      push("response.output_item.done", { output_index: outputIndex, item: { id: itemId, ...fields } });
    const at = { item_id: itemId, output_index: outputIndex };
    switch (item.type) {
      case "message": {
        const annotations = (item.citations ?? []).map((c) => ({
          type: "url_citation",
          start_index: c.start,
          end_index: c.end,
          url: c.url,
          title: c.title,
        }));
        const part = (text: string, notes: unknown[]) => ({
          type: "output_text",
          annotations: notes,
          logprobs: [],
          text,
        });
        const base = { type: "message", role: "assistant" };
        added({ ...base, status: "in_progress", content: [] });
        const inPart = { ...at, content_index: 0 };
        push("response.content_part.added", { ...inPart, part: part("", []) });
        for (const delta of splitIntoDeltas(item.text)) {
          push("response.output_text.delta", { ...inPart, delta, logprobs: [] });
        }
        annotations.forEach((annotation, annotationIndex) => {
          push("response.output_text.annotation.added", {
            ...inPart,
            annotation_index: annotationIndex,
            annotation,
          });
        });
        push("response.output_text.done", { ...inPart, text: item.text, logprobs: [] });
        push("response.content_part.done", { ...inPart, part: part(item.text, annotations) });
        done({ ...base, status: "completed", content: [part(item.text, annotations)] });
        break;
      }
      case "reasoning": {
        added({ type: "reasoning", summary: [] });
        item.summary.forEach((text, summaryIndex) => {
          const inSummary = { ...at, summary_index: summaryIndex };
          push("response.reasoning_summary_part.added", {
            ...inSummary,
            part: { type: "summary_text", text: "" },
          });
          for (const delta of splitIntoDeltas(text)) {
            push("response.reasoning_summary_text.delta", { ...inSummary, delta });
          }
          push("response.reasoning_summary_text.done", { ...inSummary, text });
          push("response.reasoning_summary_part.done", {
            ...inSummary,
            part: { type: "summary_text", text },
          });
        });
        done({
          type: "reasoning",
          summary: item.summary.map((text) => ({ type: "summary_text", text })),
          encrypted_content: `gAAAAAB${Buffer.from(`${itemId}:${item.summary.join("|")}`).toString("base64url")}`,
        });
        break;
      }
      case "function_call": {
        const base = {
          type: "function_call",
          call_id: `call_${suffix.slice(0, 12)}${outputIndex}`,
          name: item.name,
        };
        added({ ...base, status: "in_progress", arguments: "" });
        for (let i = 0; i < item.arguments.length; i += 8) {
          push("response.function_call_arguments.delta", { ...at, delta: item.arguments.slice(i, i + 8) });
        }
        push("response.function_call_arguments.done", { ...at, arguments: item.arguments });
        done({ ...base, status: "completed", arguments: item.arguments });
        break;
      }
      case "custom_tool_call": {
        const base = {
          type: "custom_tool_call",
          call_id: `call_${suffix.slice(0, 12)}${outputIndex}`,
          name: item.name,
        };
        added({ ...base, status: "in_progress", input: "" });
        for (const delta of splitIntoDeltas(item.input)) {
          push("response.custom_tool_call_input.delta", { ...at, delta });
        }
        push("response.custom_tool_call_input.done", { ...at, input: item.input });
        done({ ...base, status: "completed", input: item.input });
        break;
      }
      case "web_search_call": {
        added({
          type: "web_search_call",
          status: "in_progress",
          action: { type: "search", query: item.query },
        });
        push("response.web_search_call.in_progress", at);
        push("response.web_search_call.searching", at);
        push("response.web_search_call.completed", at);
        done({ type: "web_search_call", status: "completed", action: { type: "search", query: item.query } });
        break;
      }
      case "image_generation_call": {
        added({ type: "image_generation_call", status: "in_progress", result: null });
        push("response.image_generation_call.in_progress", at);
        push("response.image_generation_call.generating", at);
        push("response.image_generation_call.partial_image", {
          ...at,
          partial_image_index: 0,
          partial_image_b64: PIXEL_PNG,
        });
        push("response.image_generation_call.completed", at);
        done({
          type: "image_generation_call",
          status: "completed",
          revised_prompt: item.prompt,
          result: PIXEL_PNG,
        });
        break;
      }
    }
  });
  if (spec.extras === true || spec.extras === "metadata") {
    push("response.metadata", { response_id: id, metadata: { openai_model: model } });
  }
  if (spec.extras === true) {
    push(UNKNOWN_EVENT_TYPE, { item_id: `x_${suffix}`, output_index: 0, delta: "from a newer backend" });
  }
  const usage = {
    input_tokens: 120,
    input_tokens_details: { cached_tokens: 64 },
    output_tokens: 48,
    output_tokens_details: { reasoning_tokens: 16 },
    total_tokens: 168,
  };
  push("response.completed", { response: response("completed", { usage }) });
  return events;
}

const ITEM_PREFIX: Record<FullItemSpec["type"], string> = {
  message: "msg",
  reasoning: "rs",
  function_call: "fc",
  custom_tool_call: "ctc",
  web_search_call: "ws",
  image_generation_call: "ig",
};
