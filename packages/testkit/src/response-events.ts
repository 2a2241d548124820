import { randomBytes } from "node:crypto";
import { createResponseEventLog } from "./response-event-log.js";
import type { ResponseStreamEvent } from "./sse-encode.js";

/** One output item of a scripted response. */
export type OutputItemSpec =
  | { type: "message"; text: string /** Default: the text split into words. */; deltas?: string[] }
  | { type: "reasoning"; summary: string[]; encryptedContent?: string }
  | {
      type: "function_call";
      name: string;
      /** The JSON arguments string. */
      arguments: string;
      callId?: string;
      /** Default: the arguments in a few chunks; `false` sends only `function_call_arguments.done`. */
      deltas?: string[] | false;
    };

/** How a scripted response ends. `none` ends without a terminal event (a cut stream). */
export type ResponseEndSpec =
  | { type: "completed" }
  | { type: "incomplete"; reason?: string }
  | { type: "failed"; code: string; message: string }
  | {
      type: "error";
      code: string;
      message: string;
      /** `top-level` (default): `{type:"error", code, message, param}`; `nested`: `{type:"error", error:{type, code, message}}`. */
      shape?: "top-level" | "nested";
    }
  | { type: "none" };

/** Token usage of `response.completed` (the backend's field names). */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Everything `buildResponseEvents` needs; all fields optional. */
export interface ResponseEventsSpec {
  /** Default `gpt-5.4`. */
  model?: string;
  /** Default: a random `resp_…` id. Item ids derive from it. */
  responseId?: string;
  /** Unix seconds. Default: now. */
  createdAt?: number;
  items?: OutputItemSpec[];
  /** Default `completed`. */
  end?: ResponseEndSpec;
  /** Overrides of the computed usage. */
  usage?: Partial<Pick<ResponseUsage, "input_tokens" | "output_tokens">> & {
    cachedTokens?: number;
    reasoningTokens?: number;
  };
  /** Fill `response.output` of the terminal event. Default false: the real backend sends `[]`. */
  includeOutput?: boolean;
}

/** Splits text into word-sized deltas (whitespace kept). */
export function splitIntoDeltas(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

function chunk(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * Builds a consistent backend event sequence: `response.created` → `response.in_progress` → per item
 * `output_item.added` … deltas … `output_item.done` → the terminal event, with increasing
 * `sequence_number` and matching `item_id` / `output_index` / `content_index` / `summary_index`.
 * @see [openai/codex `codex-rs/codex-api/src/sse/responses.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/sse/responses.rs)
 */
export function buildResponseEvents(spec: ResponseEventsSpec = {}): ResponseStreamEvent[] {
  const model = spec.model ?? "gpt-5.4";
  const id = spec.responseId ?? `resp_${randomBytes(12).toString("hex")}`;
  const suffix = id.replace(/^resp_/, "");
  const createdAt = spec.createdAt ?? Math.floor(Date.now() / 1000);
  const { events, push, response } = createResponseEventLog({
    id,
    model,
    createdAt,
  });
  const output: Record<string, unknown>[] = [];
  let outputText = "";
  let reasoningText = "";

  push("response.created", { response: response("in_progress") });
  push("response.in_progress", { response: response("in_progress") });

  (spec.items ?? []).forEach((item, outputIndex) => {
    if (item.type === "message") {
      const itemId = `msg_${suffix}_${outputIndex}`;
      const base = { id: itemId, type: "message", role: "assistant" };
      const part = (text: string) => ({ type: "output_text", annotations: [], logprobs: [], text });
      push("response.output_item.added", {
        output_index: outputIndex,
        item: { ...base, status: "in_progress", content: [] },
      });
      const at = { item_id: itemId, output_index: outputIndex, content_index: 0 };
      push("response.content_part.added", { ...at, part: part("") });
      for (const delta of item.deltas ?? splitIntoDeltas(item.text)) {
        push("response.output_text.delta", { ...at, delta, logprobs: [] });
      }
      push("response.output_text.done", { ...at, text: item.text, logprobs: [] });
      push("response.content_part.done", { ...at, part: part(item.text) });
      const done = { ...base, status: "completed", content: [part(item.text)] };
      push("response.output_item.done", { output_index: outputIndex, item: done });
      output.push(done);
      outputText += item.text;
    } else if (item.type === "reasoning") {
      const itemId = `rs_${suffix}_${outputIndex}`;
      push("response.output_item.added", {
        output_index: outputIndex,
        item: { id: itemId, type: "reasoning", summary: [] },
      });
      item.summary.forEach((text, summaryIndex) => {
        const at = { item_id: itemId, output_index: outputIndex, summary_index: summaryIndex };
        push("response.reasoning_summary_part.added", { ...at, part: { type: "summary_text", text: "" } });
        for (const delta of splitIntoDeltas(text))
          push("response.reasoning_summary_text.delta", { ...at, delta });
        push("response.reasoning_summary_text.done", { ...at, text });
        push("response.reasoning_summary_part.done", { ...at, part: { type: "summary_text", text } });
        reasoningText += text;
      });
      const done = {
        id: itemId,
        type: "reasoning",
        summary: item.summary.map((text) => ({ type: "summary_text", text })),
        encrypted_content:
          item.encryptedContent ??
          `gAAAAAB${Buffer.from(`${itemId}:${item.summary.join("|")}`).toString("base64url")}`,
      };
      push("response.output_item.done", { output_index: outputIndex, item: done });
      output.push(done);
    } else {
      const itemId = `fc_${suffix}_${outputIndex}`;
      const callId = item.callId ?? `call_${suffix.slice(0, 12)}${outputIndex}`;
      const base = { id: itemId, type: "function_call", call_id: callId, name: item.name };
      push("response.output_item.added", {
        output_index: outputIndex,
        item: { ...base, status: "in_progress", arguments: "" },
      });
      const at = { item_id: itemId, output_index: outputIndex };
      const deltas = item.deltas === false ? [] : (item.deltas ?? chunk(item.arguments, 8));
      for (const delta of deltas) push("response.function_call_arguments.delta", { ...at, delta });
      push("response.function_call_arguments.done", { ...at, arguments: item.arguments });
      const done = { ...base, status: "completed", arguments: item.arguments };
      push("response.output_item.done", { output_index: outputIndex, item: done });
      output.push(done);
      outputText += item.arguments;
    }
  });

  const reasoningTokens =
    spec.usage?.reasoningTokens ?? (reasoningText ? estimateTokens(reasoningText) * 2 : 0);
  const inputTokens = spec.usage?.input_tokens ?? 120;
  const outputTokens =
    spec.usage?.output_tokens ?? (outputText ? estimateTokens(outputText) : 0) + reasoningTokens;
  const usage: ResponseUsage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: spec.usage?.cachedTokens ?? 64 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
  const finalOutput = spec.includeOutput ? output : [];
  const end = spec.end ?? { type: "completed" };
  switch (end.type) {
    case "completed":
      push("response.completed", { response: response("completed", { output: finalOutput, usage }) });
      break;
    case "incomplete":
      push("response.incomplete", {
        response: response("incomplete", {
          incomplete_details: { reason: end.reason ?? "max_output_tokens" },
          output: finalOutput,
          usage,
        }),
      });
      break;
    case "failed":
      push("response.failed", {
        response: response("failed", {
          error: { code: end.code, message: end.message },
          output: finalOutput,
        }),
      });
      break;
    case "error":
      if (end.shape === "nested") {
        push("error", {
          error: { type: "invalid_request_error", code: end.code, message: end.message, param: null },
        });
      } else {
        push("error", { code: end.code, message: end.message, param: null });
      }
      break;
    case "none":
      break;
  }
  return events;
}
