import type { ChatToolCallDelta } from "../chat/chat-completion-output-api.js";
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
import { NO_PARTS, PartBatch } from "./part-batch.js";
import { ReasoningMemory, type ReasoningSummaryPart } from "./reasoning-memory.js";
import { type StopSequenceMatcher, stopSequenceMatcherFor } from "./stop-sequence-matcher.js";
import { StreamedItems } from "./streamed-items.js";
import { type ToolCallSink, ToolCallTracker } from "./tool-call-tracker.js";

/**
 * The frame every backend-events stream mapper shares (the chat chunks and the Messages events): one
 * `push` per event and one `finish` at the end of input, each returning the parts it emitted; the
 * done / stopped / error state; the stop-sequence matcher; the tool-call tracker; which items already
 * streamed their text; and the encrypted reasoning kept for replay. A subclass turns events into its
 * API's parts in `handle`. Everything but the part batch is made on first use, so a plain text
 * answer costs a handful of fields.
 */
export abstract class ResponsesEventMapper<Part> implements ToolCallSink {
  /** A terminal event, a stop sequence or an error ended the output; later events are ignored. */
  done = false;
  /** A stop sequence ended the output: the upstream should be cancelled. */
  stopped = false;
  error: OpenAIHttpError | null = null;
  /** The backend response id, from its first event. */
  responseId: string | null = null;

  /** Parts of the current `push` / `finish`. */
  protected readonly out = new PartBatch<Part>();
  /** Stop sequences enforced by the proxy (the backend takes none), or `null` for none. */
  protected readonly matcher: StopSequenceMatcher | null;
  /** Clock in milliseconds, for reset times in usage-limit errors. */
  protected readonly now: (() => number) | undefined;
  /** The message items whose text was already sent (by deltas or a `.done` event). */
  protected textItems: StreamedItems | null = null;
  /** The reasoning items whose summary was already sent (by deltas). */
  protected reasoningSeen: StreamedItems | null = null;
  protected tools: ToolCallTracker | null = null;
  private memory: ReasoningMemory | null = null;

  constructor(stop: string | readonly string[] | null | undefined, now: (() => number) | undefined) {
    this.matcher = stopSequenceMatcherFor(stop);
    this.now = now;
  }

  /** Maps one backend event; returns the parts it emitted. */
  push(event: ResponsesEvent): readonly Part[] {
    if (this.done) return NO_PARTS;
    this.handle(event);
    return this.out.take();
  }

  /** Call at end of input; yields the error for a stream that ended without a terminal event. */
  finish(): readonly Part[] {
    if (this.done) return NO_PARTS;
    this.fail(createStreamIncompleteError());
    return this.out.take();
  }

  /** Encrypted reasoning items of this answer, keyed by the tool call ids they preceded. */
  reasoningItemsByCallId(): Map<string, ReasoningItem[]> {
    this.memory ??= new ReasoningMemory();
    return this.memory.byCallId(this.tools);
  }

  /** Sink of the tool-call tracker: a call's announcement and its argument fragments. */
  abstract toolCallDelta(delta: ChatToolCallDelta): void;

  /** Turns one event into parts (`out.add`). */
  protected abstract handle(event: ResponsesEvent): void;

  /** Ends the output with `failure`, as the API's last part. */
  protected abstract fail(failure: OpenAIHttpError): void;

  /** A finished output item (`output_item.done`, or one of the terminal response's `output`). */
  protected abstract itemDone(item: ParsedOutputItem, outputIndex: number | null | undefined): void;

  /** A `response.failed` or `error` event ends the output with its mapped error. */
  protected failWith(event: Extract<ResponsesEvent, { type: "response.failed" | "error" }>): void {
    this.fail(mapStreamFailure(event, { now: this.now?.() ?? Date.now() }));
  }

  /** An `output_item.added`: a function call is announced to the tool-call tracker. */
  protected itemAdded(raw: ResponsesOutputItem, outputIndex: number | null | undefined): void {
    if (raw.type !== "function_call") return;
    const item = parseOutputItem(raw);
    if (item?.type === "function_call") this.trackTools().added(item, item.id, outputIndex);
  }

  /**
   * The terminal response's `output`: items the stream did not carry are mapped as if their
   * `output_item.done` had come (`itemDone` skips what was already sent).
   */
  protected outputItemsDone(response: ResponsesResponse): void {
    const output = response.output;
    if (!output) return;
    for (let i = 0; i < output.length; i++) {
      const item = parseOutputItem(output[i] as ResponsesOutputItem);
      if (item && !this.done) this.itemDone(item, i);
    }
  }

  protected markReasoning(itemId: string | null | undefined, outputIndex: number | null | undefined): void {
    this.reasoningSeen ??= new StreamedItems();
    this.reasoningSeen.mark(itemId, outputIndex);
  }

  protected trackTools(): ToolCallTracker {
    this.tools ??= new ToolCallTracker(this);
    return this.tools;
  }

  protected markText(itemId: string | null | undefined, outputIndex: number | null | undefined): void {
    this.textItems ??= new StreamedItems();
    this.textItems.mark(itemId, outputIndex);
  }

  /** A finished function call: the reasoning seen so far is replayed with its result. */
  protected functionCallDone(
    item: Extract<ParsedOutputItem, { type: "function_call" }>,
    outputIndex: number | null | undefined,
  ): void {
    this.trackTools().done(item, item.id, outputIndex);
    this.memory ??= new ReasoningMemory();
    this.memory.remember(item.call_id);
  }

  /** Keeps a finished reasoning item for replay (when encrypted); returns its summary parts. */
  protected recordReasoning(item: Extract<ParsedOutputItem, { type: "reasoning" }>): ReasoningSummaryPart[] {
    this.memory ??= new ReasoningMemory();
    return this.memory.record(item);
  }
}
