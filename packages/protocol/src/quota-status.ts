import { z } from "zod";
import { quotaStatusWindowSchema } from "./server-status-window.js";
import { timestampSchema } from "./timestamp.js";

/** Schema of {@link QuotaCredits}. */
export const quotaCreditsSchema = z.object({
  has_credits: z.boolean().nullable(),
  unlimited: z.boolean().nullable(),
  balance: z.string().nullable(),
});

/** The credits headers, when the backend sends them. */
export type QuotaCredits = z.infer<typeof quotaCreditsSchema>;

/** Schema of {@link QuotaStatusLimit}. */
export const quotaStatusLimitSchema = z.object({
  /** `codex` (the `x-codex-*` family), or a per-model limit such as `codex_bengalfox`. */
  id: z.string(),
  /** The backend's display name of the limit (`x-<limit>-limit-name`), when it sent one. */
  name: z.string().nullable(),
  /** True for the limit that applied to the latest request (`x-codex-active-limit`). */
  active: z.boolean(),
  primary: quotaStatusWindowSchema.nullable(),
  secondary: quotaStatusWindowSchema.nullable(),
});

/** One limit family of the subscription (`x-<limit>-primary-*` / `x-<limit>-secondary-*` headers). */
export type QuotaStatusLimit = z.infer<typeof quotaStatusLimitSchema>;

/** Schema of {@link QuotaStatus}. */
export const quotaStatusSchema = z.object({
  /** The short window (about 5 hours) of the `codex` family. */
  primary: quotaStatusWindowSchema.nullable(),
  /** The long window (a week) of the `codex` family. */
  secondary: quotaStatusWindowSchema.nullable(),
  credits: quotaCreditsSchema.nullable(),
  plan_type: z.string().nullable(),
  /** Every limit family the backend reported, `codex` first. Absent from servers older than this field. */
  limits: z.array(quotaStatusLimitSchema).optional(),
  /** `x-codex-active-limit` as the backend sent it. Absent from servers older than this field. */
  active_limit: z.string().nullable().optional(),
  /** `x-codex-rate-limit-reached-type`: which limit was hit, when one was. Absent from older servers. */
  rate_limit_reached_type: z.string().nullable().optional(),
  /** When the server read these headers. */
  updated_at: timestampSchema,
});

/** The latest quota the server saw: `quota` of `/v1/status` and the data of the `quota` event. */
export type QuotaStatus = z.infer<typeof quotaStatusSchema>;
