import type { ErrorReply } from "./codex-validation.js";
import { buildResponseEvents, splitIntoDeltas } from "./response-events.js";
import type { ResponseStreamEvent } from "./sse-encode.js";

/** The message of the backend's `usage_limit_reached` error. */
export const USAGE_LIMIT_MESSAGE = "The usage limit has been reached";

/** What a `usage_limit_reached` answer says. */
export interface UsageLimitInfo {
  /** `chatgpt_plan_type` of the caller. */
  planType: string;
  /** When the limit resets, in unix seconds. */
  resetsAt: number;
  /** The fake's clock, in ms (gives `resets_in_seconds`). */
  nowMs: number;
}

/** The fields of the backend's usage-limit error object, in its order. */
function usageLimitError(info: UsageLimitInfo): Record<string, unknown> {
  return {
    type: "usage_limit_reached",
    message: USAGE_LIMIT_MESSAGE,
    plan_type: info.planType,
    resets_at: info.resetsAt,
    resets_in_seconds: Math.max(0, info.resetsAt - Math.floor(info.nowMs / 1000)),
  };
}

/**
 * The backend's refusal when the account's usage limit is reached: status 429 (the backend has also been
 * seen sending it as 404, protocol doc §3.3) and
 * `{"error":{"type":"usage_limit_reached","message","plan_type","resets_at","resets_in_seconds"}}`.
 * @see [openai/codex `codex-rs/core/src/api_bridge.rs`](https://github.com/openai/codex/blob/main/codex-rs/core/src/api_bridge.rs) (`UsageErrorBody`)
 */
export function usageLimitReply(info: UsageLimitInfo, status = 429): ErrorReply {
  return { status, body: { error: usageLimitError(info) } };
}

/** Text of the answer a stream that hits the usage limit had started. */
const PARTIAL_TEXT = "Working on it: first I will read the files you mentioned and then";

/**
 * A 200 stream that hits the usage limit during the turn: it starts like any answer (`response.created`,
 * `in_progress`, a message with `deltas` text deltas) and ends with `response.failed` whose
 * `response.error` carries `code`/`type` `usage_limit_reached`, `plan_type`, `resets_at` and
 * `resets_in_seconds` (protocol doc §3.2: `response.error = {code, message, type?, plan_type?, resets_at?}`).
 */
export function usageLimitStreamEvents(
  info: UsageLimitInfo & { model: string; deltas?: number },
): ResponseStreamEvent[] {
  const deltas = splitIntoDeltas(PARTIAL_TEXT).slice(0, Math.max(1, info.deltas ?? 3));
  const started = buildResponseEvents({
    model: info.model,
    createdAt: Math.floor(info.nowMs / 1000),
    items: [{ type: "message", text: deltas.join(""), deltas }],
    end: { type: "none" },
  });
  // Cut after the last text delta: the item never completes, the turn fails where it stood.
  let cut = started.length;
  while (cut > 0 && started[cut - 1]?.type !== "response.output_text.delta") cut -= 1;
  const events = started.slice(0, cut);
  const created = started[0]?.["response"] as Record<string, unknown>;
  events.push({
    type: "response.failed",
    sequence_number: events.length,
    response: {
      ...created,
      status: "failed",
      error: { code: "usage_limit_reached", ...usageLimitError(info) },
    },
  });
  return events;
}
