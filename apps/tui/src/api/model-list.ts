import { z } from "zod";

/** One entry of the server's model catalog (`GET /v1/models`), as the models screen shows it. */
export interface ModelInfo {
  id: string;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  efforts: string[];
  defaultEffort: string | null;
  inputModalities: string[];
}

// The fields of @cmp/models' `ModelEntry` the screen shows, exactly as the server writes them; the
// entry's other fields (object, created, owned_by, …) are not read.
const modelEntrySchema = z
  .object({
    id: z.string(),
    context_window: z.number().optional(),
    max_output_tokens: z.number().optional(),
    reasoning_efforts: z.array(z.string()),
    default_reasoning_effort: z.string().nullable(),
    input_modalities: z.array(z.string()),
  })
  .transform(
    (m): ModelInfo => ({
      id: m.id,
      contextWindow: m.context_window ?? null,
      maxOutputTokens: m.max_output_tokens ?? null,
      efforts: m.reasoning_efforts,
      defaultEffort: m.default_reasoning_effort,
      inputModalities: m.input_modalities,
    }),
  );

/** Schema of `GET /v1/models` (OpenAI's list shape with the catalog fields), read into {@link ModelInfo}s. */
export const modelListSchema = z.object({ data: z.array(modelEntrySchema) }).transform((list) => list.data);
