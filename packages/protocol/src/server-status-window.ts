import { z } from "zod";
import { timestampSchema } from "./timestamp.js";

/** Schema of {@link QuotaStatusWindow}. */
export const quotaStatusWindowSchema = z.object({
  used_percent: z.number(),
  window_minutes: z.number().nullable(),
  resets_at: timestampSchema.nullable(),
});

/** One usage window of the subscription (from the upstream `x-codex-*` headers). */
export type QuotaStatusWindow = z.infer<typeof quotaStatusWindowSchema>;
