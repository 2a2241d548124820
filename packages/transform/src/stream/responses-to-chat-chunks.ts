import type {
  ChatCompletionChunk,
  ChatCompletionDelta,
  ChatCompletionUsage,
  ChatFinishReason,
  ChatStreamPart,
} from "../chat/chat-completion-output-api.js";
import { createStreamIncompleteError, mapStreamFailure } from "../errors/map-stream-failure.js";
import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import {
  type ParsedOutputItem,
  parseOutputItem,
  type ReasoningItem,
  type ResponsesEvent,
  type ResponsesOutputItem,
  type ResponsesResponse,
} from "../responses/responses-api.js";
import { mapUsage } from "./map-usage.js";
import { createStopSequenceMatcher, type StopSequenceMatcher } from "./stop-sequence-matcher.js";
import { createStreamedItems } from "./streamed-items.js";
import { createToolCallTracker } from "./tool-call-tracker.js";

/** How reasoning summaries reach the client. */
export type ReasoningOutput = "fields" | "think" | "none";

/** Options of {@link createResponsesToChatMapper}. */
export interface ChatMapperOptions {
  /** Completion id; default `chatcmpl-` + the backend response id. */
  id?: string;
  /** The model name the client asked for. */
  model: string;
  /** Unix seconds, the same for every chunk. */
  created: number;
  /** `stream_options.include_usage`: one last chunk with `choices: []` and usage. */
  includeUsage: boolean;
  /** `fields` (`reasoning_content` + `reasoning`, default), `think` (`<think>` in content) or `none`. */
  reasoningOutput?: ReasoningOutput;
  /** Stop sequences enforced by the proxy. */
  stop?: string | readonly string[] | null;
  /** Clock in milliseconds, for reset times in usage-limit errors. */
  now?: () => number;
  /**
   * The request used legacy `functions` (see `usesLegacyFunctions()`): answer with
   * `delta.function_call` and `finish_reason: "function_call"`, as OpenAI does, instead of
   * `tool_calls`. Only the first call is sent (the converter asks for one).
   */
  legacyFunctionCall?: boolean;
}

/** The stream mapper: backend events in, `chat.completion.chunk`s (or one final error) out. */
export interface ResponsesToChatMapper {
  push(event: ResponsesEvent): ChatStreamPart[];
  /** Call at end of input; yields the error for a stream that ended without a terminal event. */
  finish(): ChatStreamPart[];
  /** A terminal event, a stop sequence or an error ended the output; later events are ignored. */
  readonly done: boolean;
  /** A stop sequence ended the output: the server should cancel the upstream request. */
  readonly stopped: boolean;
  readonly finishReason: ChatFinishReason | null;
  readonly usage: ChatCompletionUsage | null;
  readonly error: OpenAIHttpError | null;
  readonly responseId: string | null;
  /** Encrypted reasoning items of this turn, keyed by the tool call ids they preceded. */
  reasoningItemsByCallId(): Map<string, ReasoningItem[]>;
}

/** Creates the backend-events → Chat Completions chunks state machine (see {@link ChatMapperOptions}). */
export function createResponsesToChatMapper(options: ChatMapperOptions): ResponsesToChatMapper {
  const reasoningOutput = options.reasoningOutput ?? "fields";
  const stops = options.stop === null || options.stop === undefined ? [] : [options.stop].flat();
  const matcher: StopSequenceMatcher | null = stops.length > 0 ? createStopSequenceMatcher(stops) : null;
  const usageField = options.includeUsage ? { usage: null } : {};

  let id = options.id ?? null;
  let responseId: string | null = null;
  let roleSent = false;
  let thinkOpen = false;
  let anyText = false;
  let anyReasoning = false;
  let reasoningSeparator = false;
  let done = false;
  let stopped = false;
  let finishReason: ChatFinishReason | null = null;
  let usage: ChatCompletionUsage | null = null;
  let error: OpenAIHttpError | null = null;
  const textItems = createStreamedItems();
  const reasoningItemsSeen = createStreamedItems();
  const reasoningItems: ReasoningItem[] = [];
  const reasoningByCall = new Map<string, ReasoningItem[]>();
  let out: ChatStreamPart[] = [];
  let lastTextItem: string | null | undefined = null;

  const keysOf = (itemId: string | null | undefined, outputIndex: number | null | undefined): string[] => {
    const keys: string[] = [];
    if (itemId) keys.push(itemId);
    if (outputIndex !== null && outputIndex !== undefined) keys.push(`#${outputIndex}`);
    return keys;
  };
  const completionId = (): string => {
    id ??= responseId
      ? `chatcmpl-${responseId.replace(/^resp_/, "")}`
      : `chatcmpl-${crypto.randomUUID().replaceAll("-", "")}`;
    return id;
  };
  const emit = (delta: ChatCompletionDelta, reason: ChatFinishReason | null = null): void => {
    const chunk: ChatCompletionChunk = {
      id: completionId(),
      object: "chat.completion.chunk",
      created: options.created,
      model: options.model,
      choices: [
        {
          index: 0,
          delta: roleSent ? delta : { role: "assistant", ...delta },
          logprobs: null,
          finish_reason: reason,
        },
      ],
      ...usageField,
    };
    roleSent = true;
    out.push(chunk);
  };
  const closeThink = (): void => {
    if (!thinkOpen) return;
    thinkOpen = false;
    emit({ content: "</think>\n\n" });
  };
  const tools = createToolCallTracker((delta) => {
    if (options.legacyFunctionCall && delta.index > 0) return;
    closeThink();
    flushHeld();
    if (!options.legacyFunctionCall) emit({ tool_calls: [delta] });
    else if (delta.function.name === undefined)
      emit({ function_call: { arguments: delta.function.arguments } });
    else emit({ function_call: { name: delta.function.name, arguments: delta.function.arguments } });
  });
  const flushHeld = (): void => {
    const held = matcher?.flush();
    if (held) emit({ content: held });
  };
  const finishWith = (reason: ChatFinishReason): void => {
    flushHeld();
    closeThink();
    finishReason = reason;
    done = true;
    emit(roleSent ? {} : { content: "" }, reason);
    if (options.includeUsage) {
      out.push({
        id: completionId(),
        object: "chat.completion.chunk",
        created: options.created,
        model: options.model,
        choices: [],
        usage: usage ?? mapUsage(null),
      });
    }
  };
  const fail = (failure: OpenAIHttpError): void => {
    flushHeld();
    closeThink();
    error = failure;
    done = true;
    out.push(failure.body);
  };

  const text = (delta: string): void => {
    closeThink();
    anyText = true;
    if (!matcher) {
      if (delta !== "") emit({ content: delta });
      return;
    }
    const result = matcher.push(delta);
    if (result.text !== "") emit({ content: result.text });
    if (result.stopped) {
      stopped = true;
      finishWith("stop");
    }
  };
  const reasoning = (delta: string): void => {
    if (delta === "" || reasoningOutput === "none") return;
    const piece = reasoningSeparator && anyReasoning ? `\n\n${delta}` : delta;
    reasoningSeparator = false;
    anyReasoning = true;
    if (reasoningOutput === "fields") {
      emit({ reasoning_content: piece, reasoning: piece });
      return;
    }
    flushHeld();
    if (thinkOpen) emit({ content: piece });
    else {
      thinkOpen = true;
      emit({ content: `<think>${piece}` });
    }
  };
  const itemAdded = (raw: ResponsesOutputItem, outputIndex: number | null | undefined): void => {
    const item = parseOutputItem(raw);
    if (item?.type === "function_call") tools.added(item, keysOf(item.id, outputIndex));
  };
  const itemDone = (item: ParsedOutputItem, outputIndex: number | null | undefined): void => {
    if (item.type === "function_call") {
      tools.done(item, keysOf(item.id, outputIndex));
      if (!reasoningByCall.has(item.call_id)) reasoningByCall.set(item.call_id, [...reasoningItems]);
      return;
    }
    if (item.type === "reasoning") {
      const replay: ReasoningItem = {
        type: "reasoning",
        summary: (item.summary ?? []).map((part) => ({
          type: "summary_text" as const,
          text: part.text ?? "",
        })),
        ...(item.encrypted_content ? { encrypted_content: item.encrypted_content } : {}),
      };
      // Only encrypted items can be replayed: nothing is stored upstream.
      if (
        replay.encrypted_content &&
        !reasoningItems.some((r) => r.encrypted_content === replay.encrypted_content)
      ) {
        reasoningItems.push(replay);
      }
      if (reasoningItemsSeen.has(item.id, outputIndex, anyReasoning)) return;
      reasoningItemsSeen.mark(item.id, outputIndex);
      for (const part of replay.summary) {
        reasoningSeparator = true;
        reasoning(part.text);
      }
      return;
    }
    if (textItems.has(item.id, outputIndex, anyText)) return;
    textItems.mark(item.id, outputIndex);
    for (const part of item.content ?? []) {
      if (part.type === "output_text" && part.text) text(part.text);
      else if (part.type === "refusal" && part.refusal) emit({ refusal: part.refusal });
      if (done) return;
    }
  };
  const complete = (response: ResponsesResponse, incomplete: boolean): void => {
    usage = mapUsage(response.usage);
    (response.output ?? []).forEach((raw, i) => {
      const item = parseOutputItem(raw);
      if (item && !done) itemDone(item, i);
    });
    if (done) return;
    const reason = response.incomplete_details?.reason;
    if (incomplete || response.status === "incomplete") {
      finishWith(reason === "content_filter" ? "content_filter" : "length");
    } else if (tools.count === 0) finishWith("stop");
    else finishWith(options.legacyFunctionCall ? "function_call" : "tool_calls");
  };

  const handle = (event: ResponsesEvent): void => {
    switch (event.type) {
      case "response.created":
      case "response.in_progress":
        responseId ??= event.response.id ?? null;
        return;
      case "response.output_text.delta":
        if (event.item_id !== lastTextItem || event.item_id === undefined) {
          lastTextItem = event.item_id;
          textItems.mark(event.item_id, event.output_index);
        }
        text(event.delta);
        return;
      case "response.output_text.done": {
        if (textItems.has(event.item_id, event.output_index, anyText)) return;
        textItems.mark(event.item_id, event.output_index);
        text(event.text);
        return;
      }
      case "response.refusal.delta":
        textItems.mark(event.item_id, event.output_index);
        if (event.delta !== "") emit({ refusal: event.delta });
        return;
      case "response.reasoning_summary_part.added":
        reasoningSeparator = true;
        return;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        reasoningItemsSeen.mark(event.item_id, event.output_index);
        reasoning(event.delta);
        return;
      case "response.function_call_arguments.delta":
      case "response.function_call_arguments.done": {
        const keys = keysOf(event.item_id, event.output_index);
        if (event.type === "response.function_call_arguments.done") tools.argsDone(keys, event.arguments);
        else tools.argsDelta(keys, event.delta);
        return;
      }
      case "response.output_item.added":
        itemAdded(event.item, event.output_index);
        return;
      case "response.output_item.done": {
        const item = parseOutputItem(event.item);
        if (item) itemDone(item, event.output_index);
        return;
      }
      case "response.completed":
      case "response.incomplete":
        responseId ??= event.response.id ?? null;
        complete(event.response, event.type === "response.incomplete");
        return;
      case "response.failed":
      case "error":
        fail(mapStreamFailure(event, { now: options.now?.() ?? Date.now() }));
        return;
    }
  };

  return {
    push(event) {
      if (done) return [];
      out = [];
      handle(event);
      return out;
    },
    finish() {
      if (done) return [];
      out = [];
      fail(createStreamIncompleteError());
      return out;
    },
    get done() {
      return done;
    },
    get stopped() {
      return stopped;
    },
    get finishReason() {
      return finishReason;
    },
    get usage() {
      return usage;
    },
    get error() {
      return error;
    },
    get responseId() {
      return responseId;
    },
    reasoningItemsByCallId() {
      for (const callId of tools.announcedCallIds()) {
        if (!reasoningByCall.has(callId)) reasoningByCall.set(callId, [...reasoningItems]);
      }
      return new Map(reasoningByCall);
    },
  };
}
