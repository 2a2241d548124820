import type { ChatToolCallDelta } from "../chat/chat-completion-output-api.js";

interface ToolState {
  index: number;
  callId: string;
  name: string;
  announced: boolean;
  /** Arguments already sent to the client. */
  sent: string;
  /** Arguments received before the call could be announced. */
  pending: string;
}

/** The `function_call` fields the tracker needs. */
export interface FunctionCallInfo {
  call_id: string;
  name: string;
  arguments?: string | null | undefined;
}

/** Where a {@link ToolCallTracker} sends the tool-call deltas it makes. */
export interface ToolCallSink {
  toolCallDelta(delta: ChatToolCallDelta): void;
}

/**
 * Tracks the streamed tool calls of one response and emits Chat Completions tool-call deltas: a
 * stable 0-based `index` in announcement order, `id` (the backend `call_id`), `type` and `name`
 * first, argument fragments after. Backend events name an item by `item_id`, `output_index` or
 * `call_id` (not always all of them), so every name seen is registered as a key.
 */
export class ToolCallTracker {
  private readonly states = new Map<string, ToolState>();
  private announced = 0;
  private latest: ToolState | undefined = undefined;

  constructor(private readonly sink: ToolCallSink) {}

  /** Calls announced so far. */
  get count(): number {
    return this.announced;
  }

  /** `output_item.added` (or a late `output_item.done`): announces the call with id, type and name. */
  added(
    call: FunctionCallInfo,
    itemId: string | null | undefined,
    outputIndex: number | null | undefined,
  ): void {
    const state = this.ensure(itemId, outputIndex, call.call_id);
    if (state.announced) return;
    state.index = this.announced++;
    state.callId = call.call_id;
    state.name = call.name;
    state.announced = true;
    this.latest = state;
    state.sent = state.pending || call.arguments || "";
    this.sink.toolCallDelta({
      index: state.index,
      id: state.callId,
      type: "function",
      function: { name: state.name, arguments: state.sent },
    });
  }

  /** An argument fragment (`function_call_arguments.delta`), held back until the call is announced. */
  argsDelta(itemId: string | null | undefined, outputIndex: number | null | undefined, delta: string): void {
    const state = this.ensure(itemId, outputIndex, undefined);
    if (!state.announced) state.pending += delta;
    else if (delta !== "") {
      // Appended, never compared: a big argument streamed in thousands of deltas stays linear.
      state.sent += delta;
      this.sink.toolCallDelta({ index: state.index, function: { arguments: delta } });
    }
  }

  /** Whole arguments (`.done` events): sends only what the client has not got yet. */
  argsDone(itemId: string | null | undefined, outputIndex: number | null | undefined, args: string): void {
    this.sendArgs(this.ensure(itemId, outputIndex, undefined), args);
  }

  /** `output_item.done`: announces the call if that never happened, then completes the arguments. */
  done(
    call: FunctionCallInfo,
    itemId: string | null | undefined,
    outputIndex: number | null | undefined,
  ): void {
    this.added(call, itemId, outputIndex);
    const state = this.ensure(itemId, outputIndex, call.call_id);
    this.sendArgs(state, call.arguments ?? state.pending);
  }

  /** The `call_id`s of the calls announced so far. */
  announcedCallIds(): string[] {
    const ids: string[] = [];
    for (const state of new Set(this.states.values())) if (state.announced) ids.push(state.callId);
    return ids;
  }

  /** The state registered under the first known key, registered under every key given. */
  private ensure(
    itemId: string | null | undefined,
    outputIndex: number | null | undefined,
    callId: string | undefined,
  ): ToolState {
    const hasIndex = outputIndex !== null && outputIndex !== undefined;
    // An event that names no item belongs to the call announced last.
    if (!itemId && !hasIndex && callId === undefined && this.latest) return this.latest;
    const indexKey = hasIndex ? `#${outputIndex}` : undefined;
    const callKey = callId === undefined ? undefined : `call:${callId}`;
    const state = (itemId ? this.states.get(itemId) : undefined) ??
      (indexKey === undefined ? undefined : this.states.get(indexKey)) ??
      (callKey === undefined ? undefined : this.states.get(callKey)) ?? {
        index: -1,
        callId: "",
        name: "",
        announced: false,
        sent: "",
        pending: "",
      };
    if (itemId) this.states.set(itemId, state);
    if (indexKey !== undefined) this.states.set(indexKey, state);
    if (callKey !== undefined) this.states.set(callKey, state);
    return state;
  }

  private sendArgs(state: ToolState, full: string): void {
    if (!state.announced) {
      state.pending = full;
      return;
    }
    const rest = full.startsWith(state.sent) ? full.slice(state.sent.length) : state.sent === "" ? full : "";
    if (rest === "") return;
    state.sent = full;
    this.sink.toolCallDelta({ index: state.index, function: { arguments: rest } });
  }
}
