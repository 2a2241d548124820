import type { ChatCompletionUsage } from "../chat/chat-completion-output-api.js";
import type { ResponsesUsage } from "../responses/responses-api.js";

const int = (value: number | null | undefined): number =>
  typeof value === "number" && Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 0;

/**
 * Maps backend usage to Chat Completions usage: prompt = `input_tokens`, completion =
 * `output_tokens`, cached = `input_tokens_details.cached_tokens`, reasoning =
 * `output_tokens_details.reasoning_tokens`. Every field is an integer, never null.
 */
export function mapUsage(usage: ResponsesUsage | null | undefined): ChatCompletionUsage {
  const prompt = int(usage?.input_tokens);
  const completion = int(usage?.output_tokens);
  const total =
    usage?.total_tokens === null || usage?.total_tokens === undefined
      ? prompt + completion
      : int(usage.total_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    prompt_tokens_details: { cached_tokens: int(usage?.input_tokens_details?.cached_tokens) },
    completion_tokens_details: { reasoning_tokens: int(usage?.output_tokens_details?.reasoning_tokens) },
  };
}

/** Adds usages field by field (for `n > 1` merges). */
export function sumUsage(usages: readonly ChatCompletionUsage[]): ChatCompletionUsage {
  const total = mapUsage(null);
  for (const usage of usages) {
    total.prompt_tokens += usage.prompt_tokens;
    total.completion_tokens += usage.completion_tokens;
    total.total_tokens += usage.total_tokens;
    total.prompt_tokens_details.cached_tokens += usage.prompt_tokens_details.cached_tokens;
    total.completion_tokens_details.reasoning_tokens += usage.completion_tokens_details.reasoning_tokens;
  }
  return total;
}
