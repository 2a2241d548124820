import type { ChatToolCallDelta } from "../chat/chat-completion-output-api.js";
import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import {
  type ParsedOutputItem,
  parseOutputItem,
  type ReasoningItem,
  type ResponsesEvent,
  type ResponsesResponse,
} from "../responses/responses-api.js";
import { responseOutputId } from "../stream/response-output-id.js";
import { ResponsesEventMapper } from "../stream/responses-event-mapper.js";
import { toAnthropicErrorBody } from "./anthropic-error.js";
import type {
  MessagesBlockDelta,
  MessagesOutputBlock,
  MessagesStopReason,
  MessagesStreamEvent,
  MessagesUsage,
} from "./messages-output-api.js";
import type { ThinkingOutput } from "./messages-reasoning.js";
import { mapMessagesUsage, reasoningTokensOf } from "./messages-usage.js";
import { encodeThinkingSignature } from "./thinking-signature.js";

/** Options of {@link createMessagesStreamMapper}. */
export interface MessagesMapperOptions {
  /** The model name the client asked for (a `claude-…` name stays as sent). */
  model: string;
  /** Message id; default `msg_` + the backend response id. */
  id?: string;
  /** Whether reasoning goes out as thinking blocks (see `messagesThinkingOutput`); default `none`. */
  thinking?: ThinkingOutput;
  /** `stop_sequences`, enforced by the proxy (the backend takes none). */
  stopSequences?: readonly string[] | null;
  /** Clock in milliseconds, for reset times in usage-limit errors. */
  now?: () => number;
}

/** The stream mapper: backend events in, Messages stream events (or one final `error` event) out. */
export interface MessagesStreamMapper {
  push(event: ResponsesEvent): readonly MessagesStreamEvent[];
  /** Call at end of input; yields the error for a stream that ended without a terminal event. */
  finish(): readonly MessagesStreamEvent[];
  /** A terminal event, a stop sequence or an error ended the output; later events are ignored. */
  readonly done: boolean;
  /** A stop sequence ended the output: the upstream should be cancelled. */
  readonly stopped: boolean;
  readonly stopReason: MessagesStopReason | null;
  readonly usage: MessagesUsage | null;
  /** Reasoning tokens of the answer (part of `usage.output_tokens`). */
  readonly reasoningTokens: number;
  readonly error: OpenAIHttpError | null;
  /** Encrypted reasoning items of this answer, keyed by the tool call ids they preceded. */
  reasoningItemsByCallId(): Map<string, ReasoningItem[]>;
}

interface OpenBlock {
  index: number;
  kind: MessagesOutputBlock["type"];
  /** The backend item a thinking block belongs to. */
  item: string;
  /** A thinking block already holds text (the next summary part is set apart by a blank line). */
  hasText: boolean;
}

/** A tool call and its block (`null` while it waits for the open one to finish). */
interface ToolBlock {
  id: string;
  name: string;
  block: number | null;
  /** Argument fragments received while it waited. */
  buffered: string;
  /** Its `output_item.done` arrived. */
  done: boolean;
}

const itemKey = (itemId: string | null | undefined, outputIndex: number | null | undefined): string =>
  itemId ?? (outputIndex === null || outputIndex === undefined ? "" : `#${outputIndex}`);

/**
 * The state machine behind {@link createMessagesStreamMapper}: one content block open at a time, in
 * Anthropic's grammar (`message_start`, `ping`, then per block `content_block_start` / `_delta` /
 * `_stop`, then `message_delta` and `message_stop`). `message_start` waits for the first output, so a
 * backend that fails at once can still be answered as an HTTP error.
 */
export class MessagesEventMapper
  extends ResponsesEventMapper<MessagesStreamEvent>
  implements MessagesStreamMapper
{
  stopReason: MessagesStopReason | null = null;
  usage: MessagesUsage | null = null;
  reasoningTokens = 0;

  private readonly model: string;
  private readonly thinking: ThinkingOutput;
  private id: string | null;
  private started = false;
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  private separatorPending = false;
  private refused = false;
  private stopSequence: string | null = null;
  private anyText = false;
  private anyReasoning = false;
  /** Tool calls by the tracker's index, and by call id. */
  private toolCalls: Map<number, ToolBlock> | null = null;
  private toolCallsById: Map<string, ToolBlock> | null = null;
  /** Calls announced while another call's block was open: opened one after the other, in order. */
  private queuedTools: ToolBlock[] = [];

  constructor(options: MessagesMapperOptions) {
    super(options.stopSequences, options.now);
    this.model = options.model;
    this.id = options.id ?? null;
    this.thinking = options.thinking ?? "none";
  }

  /**
   * Sink of the tool-call tracker: an announcement opens a `tool_use` block, fragments become
   * `input_json_delta`s. The backend may stream two calls' arguments interleaved; Anthropic's grammar
   * has one block open at a time, so a call announced while another is open waits (its fragments
   * buffered) until that one is done.
   */
  toolCallDelta(delta: ChatToolCallDelta): void {
    const args = delta.function.arguments;
    if (delta.id !== undefined) {
      const call: ToolBlock = {
        id: delta.id,
        name: delta.function.name ?? "",
        block: null,
        buffered: args,
        done: false,
      };
      this.toolCalls ??= new Map();
      this.toolCalls.set(delta.index, call);
      this.toolCallsById ??= new Map();
      this.toolCallsById.set(delta.id, call);
      if (this.open?.kind === "tool_use") this.queuedTools.push(call);
      else this.openTool(call);
      return;
    }
    const call = this.toolCalls?.get(delta.index);
    if (call === undefined || args === "") return;
    // A fragment for a block that text already closed (a backend mixing text into a call) is still
    // sent by index: the SDKs accumulate by index.
    if (call.block === null) call.buffered += args;
    else this.delta(call.block, { type: "input_json_delta", partial_json: args });
  }

  private openTool(call: ToolBlock): void {
    this.flushHeld();
    call.block = this.openBlock({ type: "tool_use", id: call.id, name: call.name, input: {} }, "").index;
    if (call.buffered !== "")
      this.delta(call.block, { type: "input_json_delta", partial_json: call.buffered });
    call.buffered = "";
  }

  /** Opens the waiting calls in order; those already done are closed at once. */
  private openQueuedTools(): void {
    while (this.queuedTools.length > 0 && this.open?.kind !== "tool_use") {
      const call = this.queuedTools.shift() as ToolBlock;
      this.openTool(call);
      if (call.done) this.close();
    }
  }

  private messageId(): string {
    this.id ??= responseOutputId("msg_", this.responseId);
    return this.id;
  }

  /** `message_start` (with an empty message) and a `ping`, once, before the first block. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    this.out.add({
      type: "message_start",
      message: {
        id: this.messageId(),
        type: "message",
        role: "assistant",
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: mapMessagesUsage(null),
      },
    });
    this.out.add({ type: "ping" });
  }

  /** Closes the open block, starts `block` and returns it as the open one. */
  private openBlock(block: MessagesOutputBlock, item: string): OpenBlock {
    this.close();
    this.start();
    const index = this.nextIndex++;
    const open: OpenBlock = { index, kind: block.type, item, hasText: false };
    this.open = open;
    this.out.add({ type: "content_block_start", index, content_block: block });
    return open;
  }

  private delta(index: number, delta: MessagesBlockDelta): void {
    this.out.add({ type: "content_block_delta", index, delta });
  }

  private close(): void {
    const open = this.open;
    if (open === null) return;
    this.open = null;
    this.out.add({ type: "content_block_stop", index: open.index });
  }

  /** Text held back as a possible start of a stop sequence goes out when something else follows. */
  private flushHeld(): void {
    const held = this.matcher?.flush();
    if (held) this.textDelta(held);
  }

  private textDelta(text: string): void {
    if (text === "") return;
    const index =
      this.open?.kind === "text" ? this.open.index : this.openBlock({ type: "text", text: "" }, "").index;
    this.delta(index, { type: "text_delta", text });
  }

  private text(delta: string): void {
    this.anyText = true;
    if (this.matcher === null) {
      this.textDelta(delta);
      return;
    }
    const result = this.matcher.push(delta);
    this.textDelta(result.text);
    if (result.stopped) {
      this.stopped = true;
      this.stopSequence = result.sequence ?? null;
      this.finishWith("stop_sequence");
    }
  }

  private thinkingBlock(item: string): OpenBlock {
    const open = this.open;
    if (open?.kind === "thinking" && open.item === item) return open;
    this.flushHeld();
    return this.openBlock({ type: "thinking", thinking: "", signature: "" }, item);
  }

  private reasoningText(delta: string, item: string): void {
    this.anyReasoning = true;
    if (this.thinking === "none" || delta === "") return;
    const block = this.thinkingBlock(item);
    if (this.thinking === "omitted") return;
    const piece = this.separatorPending && block.hasText ? `\n\n${delta}` : delta;
    this.separatorPending = false;
    block.hasText = true;
    this.delta(block.index, { type: "thinking_delta", thinking: piece });
  }

  protected itemDone(item: ParsedOutputItem, outputIndex: number | null | undefined): void {
    if (item.type === "function_call") {
      this.functionCallDone(item, outputIndex);
      const call = this.toolCallsById?.get(item.call_id);
      if (call === undefined) return;
      call.done = true;
      if (call.block !== null && this.open?.index === call.block) {
        this.close();
        this.openQueuedTools();
      }
      return;
    }
    if (item.type === "reasoning") {
      this.reasoningDone(item, outputIndex);
      return;
    }
    if (!(this.textItems?.has(item.id, outputIndex, this.anyText) ?? this.anyText)) {
      this.markText(item.id, outputIndex);
      for (const part of item.content ?? []) {
        if (part.type === "output_text" && part.text) this.text(part.text);
        else if (part.type === "refusal" && part.refusal) {
          this.refused = true;
          this.text(part.refusal);
        }
        if (this.done) return;
      }
    }
    if (this.open?.kind === "text") {
      this.flushHeld();
      this.close();
    }
  }

  /** A finished reasoning item: its signature (the encrypted reasoning) closes its thinking block. */
  private reasoningDone(
    item: Extract<ParsedOutputItem, { type: "reasoning" }>,
    outputIndex: number | null | undefined,
  ): void {
    const summary = this.recordReasoning(item);
    const encrypted = item.encrypted_content;
    if (this.thinking === "none") return;
    const streamed = this.reasoningSeen?.has(item.id, outputIndex, this.anyReasoning) ?? this.anyReasoning;
    let block: OpenBlock | null = streamed && this.open?.kind === "thinking" ? this.open : null;
    if (block === null) {
      const text = summary.map((part) => part.text).filter((t) => t !== "");
      if (text.length === 0 && !encrypted) return;
      block = this.thinkingBlock(itemKey(item.id, outputIndex));
      if (this.thinking === "summarized" && !streamed && text.length > 0) {
        block.hasText = true;
        this.delta(block.index, { type: "thinking_delta", thinking: text.join("\n\n") });
      }
    }
    if (encrypted)
      this.delta(block.index, { type: "signature_delta", signature: encodeThinkingSignature(encrypted) });
    this.close();
  }

  private complete(response: ResponsesResponse, incomplete: boolean): void {
    this.usage = mapMessagesUsage(response.usage);
    this.reasoningTokens = reasoningTokensOf(response.usage);
    this.outputItemsDone(response);
    if (this.done) return;
    const reason = response.incomplete_details?.reason;
    if (incomplete || response.status === "incomplete") {
      this.finishWith(reason === "content_filter" ? "refusal" : "max_tokens");
    } else if (this.tools !== null && this.tools.count > 0) this.finishWith("tool_use");
    else this.finishWith(this.refused ? "refusal" : "end_turn");
  }

  private finishWith(reason: MessagesStopReason): void {
    this.flushHeld();
    this.close();
    for (const call of this.queuedTools) call.done = true;
    this.openQueuedTools();
    this.close();
    this.start();
    this.stopReason = reason;
    this.done = true;
    this.out.add({
      type: "message_delta",
      delta: { stop_reason: reason, stop_sequence: this.stopSequence },
      usage: this.usage ?? mapMessagesUsage(null),
    });
    this.out.add({ type: "message_stop" });
  }

  protected fail(failure: OpenAIHttpError): void {
    this.error = failure;
    this.done = true;
    this.out.add(toAnthropicErrorBody(failure));
  }

  protected handle(event: ResponsesEvent): void {
    switch (event.type) {
      case "response.created":
      case "response.in_progress":
        this.responseId ??= event.response.id ?? null;
        return;
      case "response.output_text.delta":
        this.markText(event.item_id, event.output_index);
        this.text(event.delta);
        return;
      case "response.output_text.done":
        if (this.textItems?.has(event.item_id, event.output_index, this.anyText) ?? this.anyText) return;
        this.markText(event.item_id, event.output_index);
        this.text(event.text);
        return;
      case "response.refusal.delta":
        this.markText(event.item_id, event.output_index);
        this.refused = true;
        this.text(event.delta);
        return;
      case "response.reasoning_summary_part.added":
        this.separatorPending = true;
        return;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.markReasoning(event.item_id, event.output_index);
        this.reasoningText(event.delta, itemKey(event.item_id, event.output_index));
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
        // A new type in `ResponsesEvent` must be handled above (the parser drops unknown types).
        const _exhaustive: never = event;
        return;
      }
    }
  }
}

/** Creates the backend-events → Messages stream events state machine (see {@link MessagesMapperOptions}). */
export function createMessagesStreamMapper(options: MessagesMapperOptions): MessagesStreamMapper {
  return new MessagesEventMapper(options);
}
