import { z } from "zod";
import { accountStatusSchema } from "./account-status.js";
import { quotaStatusSchema } from "./quota-status.js";
import { timestampSchema } from "./timestamp.js";

export {
  type QuotaCredits,
  type QuotaStatus,
  type QuotaStatusLimit,
  quotaCreditsSchema,
  quotaStatusLimitSchema,
  quotaStatusSchema,
} from "./quota-status.js";
export { type QuotaStatusWindow, quotaStatusWindowSchema } from "./server-status-window.js";

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
