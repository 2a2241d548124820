import type { ResponsesUsage } from "../responses/responses-api.js";
import type { MessagesUsage } from "./messages-output-api.js";

const int = (value: number | null | undefined): number =>
  typeof value === "number" && Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 0;

/**
 * Maps backend usage to Anthropic's: `cache_read_input_tokens` = the cached input tokens, and
 * `input_tokens` = the rest of the input (Anthropic counts cache reads apart, so the three input
 * fields add up to the whole prompt); `output_tokens` = all output, reasoning included;
 * `cache_creation_input_tokens` = 0 (the backend caches by itself and reports no writes).
 */
export function mapMessagesUsage(usage: ResponsesUsage | null | undefined): MessagesUsage {
  const input = int(usage?.input_tokens);
  const cached = Math.min(input, int(usage?.input_tokens_details?.cached_tokens));
  return {
    input_tokens: input - cached,
    output_tokens: int(usage?.output_tokens),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

/** The reasoning tokens of backend usage (part of `output_tokens`), for the request log. */
export function reasoningTokensOf(usage: ResponsesUsage | null | undefined): number {
  return int(usage?.output_tokens_details?.reasoning_tokens);
}
