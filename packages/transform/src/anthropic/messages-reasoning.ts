import type { MessagesRequest } from "./messages-request-api.js";

/**
 * `thinking.budget_tokens` → reasoning effort, the first row whose bound the budget stays under. The
 * bounds follow Claude Code's own budgets: "think" (4,000) is `low`, "think hard" (10,000) `medium`,
 * budgets up to 31,998 `high`, and "ultrathink" (31,999) or more `xhigh`.
 */
export const THINKING_BUDGET_EFFORTS: readonly { below: number; effort: string }[] = [
  { below: 6_000, effort: "low" },
  { below: 16_000, effort: "medium" },
  { below: 31_999, effort: "high" },
  { below: Number.POSITIVE_INFINITY, effort: "xhigh" },
];

/**
 * The reasoning effort a Messages request asks for, handed to the model resolution (which clamps it to
 * what the model accepts and reports the change in `x-cmp-warnings`):
 * - `output_config.effort` (`low` … `max`) wins, as it is Anthropic's own effort setting;
 * - `thinking: {type: "enabled", budget_tokens}` → {@link THINKING_BUDGET_EFFORTS};
 * - `thinking: {type: "disabled"}` → `none` (the model's lowest effort);
 * - `thinking: {type: "adaptive"}` or no `thinking` → `null`: the model's default effort.
 */
export function messagesReasoningEffort(
  request: Pick<MessagesRequest, "thinking" | "output_config">,
): string | null {
  const effort = request.output_config?.effort;
  if (effort) return effort;
  const thinking = request.thinking;
  if (!thinking) return null;
  switch (thinking.type) {
    case "enabled":
      return THINKING_BUDGET_EFFORTS.find((row) => thinking.budget_tokens < row.below)?.effort ?? "xhigh";
    case "disabled":
      return "none";
    case "adaptive":
      return null;
    default: {
      const _exhaustive: never = thinking;
      return _exhaustive;
    }
  }
}

/** How reasoning reaches a Messages client: as thinking blocks (with or without their text), or not at all. */
export type ThinkingOutput = "summarized" | "omitted" | "none";

/**
 * Whether the answer carries `thinking` blocks: only when the request turned thinking on (`enabled` or
 * `adaptive`), as Anthropic does; `display: "omitted"` sends the blocks with empty text but with their
 * signature (the encrypted reasoning), so the next turn keeps its continuity.
 */
export function messagesThinkingOutput(request: Pick<MessagesRequest, "thinking">): ThinkingOutput {
  const thinking = request.thinking;
  if (!thinking || thinking.type === "disabled") return "none";
  return thinking.display === "omitted" ? "omitted" : "summarized";
}
