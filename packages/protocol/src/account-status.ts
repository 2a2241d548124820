import { z } from "zod";
import { quotaStatusSchema } from "./quota-status.js";
import { quotaStatusWindowSchema } from "./server-status-window.js";
import { timestampSchema } from "./timestamp.js";

/** Schema of {@link AccountState}. */
export const accountStateSchema = z.enum(["active", "cooling_down", "needs_login", "disabled"]);

/**
 * What the pool can do with an account: `active` (serves requests), `cooling_down` (a limit was
 * reached; used again after `cooldown_until`), `needs_login` (its login was revoked or cannot be
 * refreshed: `cmp-server login --account NAME`), `disabled` (by `cmp-server accounts disable`).
 */
export type AccountState = z.infer<typeof accountStateSchema>;

/** Schema of {@link AccountStatus}. */
export const accountStatusSchema = z.object({
  /** The account's name in the pool (`default` for the first login). */
  name: z.string().min(1),
  email: z.string().nullable(),
  plan: z.string().nullable(),
  state: accountStateSchema,
  /** The short (about 5 hours) window of the account's `codex` limit, from its latest answer. */
  primary: quotaStatusWindowSchema.nullable(),
  /** The long (a week) window. */
  secondary: quotaStatusWindowSchema.nullable(),
  /**
   * Everything the account's latest answer said of its quota (every limit family, credits, plan);
   * `null` before one. Absent from servers older than this field.
   */
  quota: quotaStatusSchema.nullable().optional(),
  /** When a cooling-down account is tried again; `null` otherwise. */
  cooldown_until: timestampSchema.nullable(),
  /** Why the account is not active (the backend's code and words, never a token); `null` when it is. */
  last_error: z.string().nullable(),
  /** Requests this server (this replica) sent with the account since it started. */
  requests: z.number().int().nonnegative(),
});

/** One account of the pool, as `/v1/status` (`accounts`) and `cmp-server accounts` show it. */
export type AccountStatus = z.infer<typeof accountStatusSchema>;

/** Schema of {@link AccountEvent}. */
export const accountEventSchema = z.object({
  name: z.string().min(1),
  /** The state the account moved to. */
  state: accountStateSchema,
  /** Until when, for `cooling_down`. */
  until: timestampSchema.nullable(),
  /** Why (the backend's code, for example `usage_limit_reached`), or `null` for a recovery. */
  reason: z.string().nullable(),
  at: timestampSchema,
});

/** An account cooled down, recovered, needs a login, or was disabled or enabled (event `account`). */
export type AccountEvent = z.infer<typeof accountEventSchema>;
