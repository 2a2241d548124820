import { z } from "zod";
import { accountStatusSchema } from "./account-status.js";
import { quotaStatusWindowSchema } from "./server-status-window.js";
import { timestampSchema } from "./timestamp.js";

export { type QuotaStatusWindow, quotaStatusWindowSchema } from "./server-status-window.js";

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

/** Schema of {@link ServerStatus}. Unknown fields are dropped, so later additions do not break readers. */
export const serverStatusSchema = z.object({
  logged_in: z.boolean(),
  account: z
    .object({
      email: z.string().nullable(),
      plan: z.string().nullable(),
      account_id: z.string(),
    })
    .nullable(),
  token: z
    .object({
      expires_at: timestampSchema.nullable(),
      last_refresh: timestampSchema.nullable(),
      /** True once the refresh token was refused for good: only a new login helps. */
      reauth_required: z.boolean(),
    })
    .nullable(),
  /**
   * Why the saved login cannot be read (`store_corrupt: …`, `store_read_failed: …`), in a few words
   * without the file's path or content; `null` when it can. Absent from servers older than this field.
   */
  login_error: z.string().nullable().optional(),
  /** `null` until an upstream response carried `x-codex-*` headers. */
  quota: quotaStatusSchema.nullable(),
  /**
   * Every account of the pool, the first login (`default`) first. The fields above describe that first
   * account (as they did before pools), except `logged_in`, which is true while any account can serve.
   * Absent from servers older than this field.
   */
  accounts: z.array(accountStatusSchema).optional(),
  server: z.object({
    version: z.string(),
    uptime_seconds: z.number().nonnegative(),
    /** `client` or `codex` (`CMP_INSTRUCTIONS_MODE`). */
    instructions_mode: z.string(),
    client_profiles: z.array(z.string()),
  }),
});

/**
 * The body of `GET /v1/status` (also the `status` of the management `snapshot` event). Fields may be
 * added, never renamed (docs: CONTRACT `/v1/status`).
 */
export type ServerStatus = z.infer<typeof serverStatusSchema>;
