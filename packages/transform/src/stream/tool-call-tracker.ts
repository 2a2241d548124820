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

/**
 * Tracks the streamed tool calls of one response. Backend events name an item by `item_id`,
 * `output_index` or `call_id` (not always all of them), so every key seen is registered.
 */
export interface ToolCallTracker {
  /** `output_item.added` (or a late `output_item.done`): announces the call with id, type and name. */
  added(call: FunctionCallInfo, keys: readonly string[]): void;
  argsDelta(keys: readonly string[], delta: string): void;
  /** Whole arguments (`.done` events): sends only what the client has not got yet. */
  argsDone(keys: readonly string[], args: string): void;
  /** `output_item.done`: announces the call if that never happened, then completes the arguments. */
  done(call: FunctionCallInfo, keys: readonly string[]): void;
  /** Calls announced so far. */
  readonly count: number;
  announcedCallIds(): string[];
}

/**
 * Creates a tracker that emits Chat Completions tool-call deltas: a stable 0-based `index` in
 * announcement order, `id` (the backend `call_id`), `type` and `name` first, argument fragments after.
 */
export function createToolCallTracker(emit: (delta: ChatToolCallDelta) => void): ToolCallTracker {
  const states = new Map<string, ToolState>();
  let count = 0;
  let latest: ToolState | undefined;

  const find = (keys: readonly string[]): ToolState | undefined => {
    for (const key of keys) {
      const state = states.get(key);
      if (state) return state;
    }
    return undefined;
  };
  const ensure = (keys: readonly string[]): ToolState => {
    // An event that names no item belongs to the call announced last.
    if (keys.length === 0 && latest) return latest;
    const state = find(keys) ?? { index: -1, callId: "", name: "", announced: false, sent: "", pending: "" };
    for (const key of keys) states.set(key, state);
    return state;
  };
  const sendArgs = (state: ToolState, full: string): void => {
    if (!state.announced) {
      state.pending = full;
      return;
    }
    const rest = full.startsWith(state.sent) ? full.slice(state.sent.length) : state.sent === "" ? full : "";
    if (rest === "") return;
    state.sent = full;
    emit({ index: state.index, function: { arguments: rest } });
  };
  const added = (call: FunctionCallInfo, keys: readonly string[]): void => {
    const state = ensure([...keys, `call:${call.call_id}`]);
    if (state.announced) return;
    state.index = count++;
    state.callId = call.call_id;
    state.name = call.name;
    state.announced = true;
    latest = state;
    state.sent = state.pending || call.arguments || "";
    emit({
      index: state.index,
      id: state.callId,
      type: "function",
      function: { name: state.name, arguments: state.sent },
    });
  };

  return {
    added,
    argsDelta(keys, delta) {
      const state = ensure(keys);
      if (!state.announced) state.pending += delta;
      else if (delta !== "") {
        // Appended, never compared: a big argument streamed in thousands of deltas stays linear.
        state.sent += delta;
        emit({ index: state.index, function: { arguments: delta } });
      }
    },
    argsDone(keys, args) {
      sendArgs(ensure(keys), args);
    },
    done(call, keys) {
      added(call, keys);
      const state = ensure([...keys, `call:${call.call_id}`]);
      sendArgs(state, call.arguments ?? state.pending);
    },
    get count() {
      return count;
    },
    announcedCallIds() {
      return [...new Set(states.values())].filter((s) => s.announced).map((s) => s.callId);
    },
  };
}
