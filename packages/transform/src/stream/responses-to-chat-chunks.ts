import type {
  ChatCompletionChunk,
  ChatCompletionDelta,
  ChatCompletionUsage,
  ChatFinishReason,
  ChatStreamPart,
  ChatToolCallDelta,
} from "../chat/chat-completion-output-api.js";
import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import {
  type ParsedOutputItem,
  parseOutputItem,
  type ReasoningItem,
  type ResponsesEvent,
  type ResponsesResponse,
} from "../responses/responses-api.js";
import { mapUsage } from "./map-usage.js";
import { responseOutputId } from "./response-output-id.js";
import { ResponsesEventMapper } from "./responses-event-mapper.js";

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
  push(event: ResponsesEvent): readonly ChatStreamPart[];
  /** Call at end of input; yields the error for a stream that ended without a terminal event. */
  finish(): readonly ChatStreamPart[];
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

/**
 * The state machine behind {@link createResponsesToChatMapper}. State lives in fields and the
 * collections needed only for reasoning, tool calls or stop sequences are made on first use, so a
 * plain text answer costs a handful of fields.
 */
export class ChatChunkMapper extends ResponsesEventMapper<ChatStreamPart> implements ResponsesToChatMapper {
  finishReason: ChatFinishReason | null = null;
  usage: ChatCompletionUsage | null = null;

  private id: string | null;
  private readonly model: string;
  private readonly created: number;
  private readonly includeUsage: boolean;
  private readonly reasoningOutput: ReasoningOutput;
  private readonly legacyFunctionCall: boolean;
  private roleSent = false;
  private thinkOpen = false;
  private anyText = false;
  private anyReasoning = false;
  private reasoningSeparator = false;
  private lastTextItem: string | null | undefined = null;

  constructor(options: Omit<ChatMapperOptions, "includeUsage">, includeUsage: boolean) {
    super(options.stop, options.now);
    this.id = options.id ?? null;
    this.model = options.model;
    this.created = options.created;
    this.includeUsage = includeUsage;
    this.reasoningOutput = options.reasoningOutput ?? "fields";
    this.legacyFunctionCall = options.legacyFunctionCall ?? false;
  }

  /** Sink of the tool-call tracker. */
  toolCallDelta(delta: ChatToolCallDelta): void {
    if (this.legacyFunctionCall && delta.index > 0) return;
    this.closeThink();
    this.flushHeld();
    if (!this.legacyFunctionCall) this.emit({ tool_calls: [delta] });
    else if (delta.function.name === undefined) {
      this.emit({ function_call: { arguments: delta.function.arguments } });
    } else this.emit({ function_call: { name: delta.function.name, arguments: delta.function.arguments } });
  }

  private completionId(): string {
    this.id ??= responseOutputId("chatcmpl-", this.responseId);
    return this.id;
  }

  private emit(delta: ChatCompletionDelta, reason: ChatFinishReason | null = null): void {
    const choice = {
      index: 0,
      delta: this.roleSent ? delta : { role: "assistant" as const, ...delta },
      logprobs: null,
      finish_reason: reason,
    };
    const id = this.completionId();
    const chunk: ChatCompletionChunk = this.includeUsage
      ? {
          id,
          object: "chat.completion.chunk",
          created: this.created,
          model: this.model,
          choices: [choice],
          usage: null,
        }
      : { id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [choice] };
    this.roleSent = true;
    this.out.add(chunk);
  }

  private closeThink(): void {
    if (!this.thinkOpen) return;
    this.thinkOpen = false;
    this.emit({ content: "</think>\n\n" });
  }

  private flushHeld(): void {
    const held = this.matcher?.flush();
    if (held) this.emit({ content: held });
  }

  private finishWith(reason: ChatFinishReason): void {
    this.flushHeld();
    this.closeThink();
    this.finishReason = reason;
    this.done = true;
    this.emit(this.roleSent ? {} : { content: "" }, reason);
    if (this.includeUsage) {
      this.out.add({
        id: this.completionId(),
        object: "chat.completion.chunk",
        created: this.created,
        model: this.model,
        choices: [],
        usage: this.usage ?? mapUsage(null),
      });
    }
  }

  protected fail(failure: OpenAIHttpError): void {
    this.flushHeld();
    this.closeThink();
    this.error = failure;
    this.done = true;
    this.out.add(failure.body);
  }

  private text(delta: string): void {
    this.closeThink();
    this.anyText = true;
    if (this.matcher === null) {
      if (delta !== "") this.emit({ content: delta });
      return;
    }
    const result = this.matcher.push(delta);
    if (result.text !== "") this.emit({ content: result.text });
    if (result.stopped) {
      this.stopped = true;
      this.finishWith("stop");
    }
  }

  private reasoning(delta: string): void {
    if (delta === "" || this.reasoningOutput === "none") return;
    const piece = this.reasoningSeparator && this.anyReasoning ? `\n\n${delta}` : delta;
    this.reasoningSeparator = false;
    this.anyReasoning = true;
    if (this.reasoningOutput === "fields") {
      this.emit({ reasoning_content: piece, reasoning: piece });
      return;
    }
    this.flushHeld();
    if (this.thinkOpen) this.emit({ content: piece });
    else {
      this.thinkOpen = true;
      this.emit({ content: `<think>${piece}` });
    }
  }

  protected itemDone(item: ParsedOutputItem, outputIndex: number | null | undefined): void {
    if (item.type === "function_call") {
      this.functionCallDone(item, outputIndex);
      return;
    }
    if (item.type === "reasoning") {
      this.reasoningItemDone(item, outputIndex);
      return;
    }
    if (this.textItems?.has(item.id, outputIndex, this.anyText) ?? this.anyText) return;
    this.markText(item.id, outputIndex);
    for (const part of item.content ?? []) {
      if (part.type === "output_text" && part.text) this.text(part.text);
      else if (part.type === "refusal" && part.refusal) this.emit({ refusal: part.refusal });
      if (this.done) return;
    }
  }

  private reasoningItemDone(
    item: Extract<ParsedOutputItem, { type: "reasoning" }>,
    outputIndex: number | null | undefined,
  ): void {
    const summary = this.recordReasoning(item);
    if (this.reasoningSeen?.has(item.id, outputIndex, this.anyReasoning) ?? this.anyReasoning) return;
    this.markReasoning(item.id, outputIndex);
    for (const part of summary) {
      this.reasoningSeparator = true;
      this.reasoning(part.text);
    }
  }

  private complete(response: ResponsesResponse, incomplete: boolean): void {
    this.usage = mapUsage(response.usage);
    this.outputItemsDone(response);
    if (this.done) return;
    const reason = response.incomplete_details?.reason;
    if (incomplete || response.status === "incomplete") {
      this.finishWith(reason === "content_filter" ? "content_filter" : "length");
    } else if (this.tools === null || this.tools.count === 0) this.finishWith("stop");
    else this.finishWith(this.legacyFunctionCall ? "function_call" : "tool_calls");
  }

  protected handle(event: ResponsesEvent): void {
    switch (event.type) {
      case "response.created":
      case "response.in_progress":
        this.responseId ??= event.response.id ?? null;
        return;
      case "response.output_text.delta":
        if (event.item_id !== this.lastTextItem || event.item_id === undefined) {
          this.lastTextItem = event.item_id;
          this.markText(event.item_id, event.output_index);
        }
        this.text(event.delta);
        return;
      case "response.output_text.done":
        if (this.textItems?.has(event.item_id, event.output_index, this.anyText) ?? this.anyText) return;
        this.markText(event.item_id, event.output_index);
        this.text(event.text);
        return;
      case "response.refusal.delta":
        this.markText(event.item_id, event.output_index);
        if (event.delta !== "") this.emit({ refusal: event.delta });
        return;
      case "response.reasoning_summary_part.added":
        this.reasoningSeparator = true;
        return;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.markReasoning(event.item_id, event.output_index);
        this.reasoning(event.delta);
        return;
      case "response.function_call_arguments.delta":
        this.trackTools().argsDelta(event.item_id, event.output_index, event.delta);
        return;
      case "response.function_call_arguments.done":
        this.trackTools().argsDone(event.item_id, event.output_index, event.arguments);
        return;
      case "response.output_item.added":
        this.itemAdded(event.item, event.output_index);
        return;
      case "response.output_item.done": {
        const item = parseOutputItem(event.item);
        if (item) this.itemDone(item, event.output_index);
        return;
      }
      case "response.completed":
      case "response.incomplete":
        this.responseId ??= event.response.id ?? null;
        this.complete(event.response, event.type === "response.incomplete");
        return;
      case "response.failed":
      case "error":
        this.failWith(event);
        return;
      default: {
        // Compile-time check: a new type in `ResponsesEvent` must be handled above. At run time
        // nothing else arrives (the parser drops unknown types), and ignoring it would be right.
        const _exhaustive: never = event;
        return;
      }
    }
  }
}

/** Creates the backend-events → Chat Completions chunks state machine (see {@link ChatMapperOptions}). */
export function createResponsesToChatMapper(options: ChatMapperOptions): ResponsesToChatMapper {
  return new ChatChunkMapper(options, options.includeUsage);
}
