import { z } from "zod";

const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullish();

/**
 * Wire schema of a client's `/v1/responses` request, kept minimal: the fields this proxy reads or
 * forwards are typed, input items and tools stay loose (unknown item types pass through), and the
 * parameters the backend rejects are still validated the way OpenAI validates them.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.looseObject({ type: z.string().nullish(), role: z.string().nullish() })),
  ]),
  instructions: z.string().nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  text: z
    .looseObject({ format: z.looseObject({ type: z.string() }).nullish(), verbosity: z.string().nullish() })
    .nullish(),
  include: z.array(z.string()).nullish(),
  prompt_cache_key: z.string().nullish(),
  service_tier: z.string().nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  // Validated, then dropped.
  max_output_tokens: z.number().int().min(1).nullish(),
  max_tool_calls: z.number().int().min(1).nullish(),
  temperature: nullableNumber(0, 2),
  top_p: nullableNumber(0, 1),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  prompt_cache_retention: z.string().nullish(),
  background: z.boolean().nullish(),
  stream_options: z.looseObject({}).nullish(),
});

/** A validated `/v1/responses` request body. */
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
/** Keys of {@link ResponsesRequest}; others are dropped with a warning. */
export const knownResponsesRequestKeys: ReadonlySet<string> = new Set(
  Object.keys(responsesRequestSchema.shape),
);
