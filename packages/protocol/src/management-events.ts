import { z } from "zod";
import { accountEventSchema } from "./account-status.js";
import { requestRecordSchema } from "./request-record.js";
import { quotaStatusSchema, serverStatusSchema } from "./server-status.js";
import { timestampSchema } from "./timestamp.js";

/** Schema of {@link SnapshotEvent}. */
export const snapshotEventSchema = z.object({
  status: serverStatusSchema,
  /** The most recent finished requests, oldest first. */
  recent: z.array(requestRecordSchema),
});

/** The first event of every management stream: the status and the recent requests. */
export type SnapshotEvent = z.infer<typeof snapshotEventSchema>;

/** Schema of {@link AuthEvent}. */
export const authEventSchema = z.object({
  type: z.enum(["refreshed", "refresh_failed", "logged_out"]),
  at: timestampSchema,
});

/** A login change seen by the server's token manager (it never carries tokens). */
export type AuthEvent = z.infer<typeof authEventSchema>;

/**
 * The data schema of each event of `GET /v1/management/events`, by SSE event name: `snapshot` first,
 * then `request` (a request started or ended), `quota` (the quota changed), `auth` and `account` (a pool
 * account cooled down, recovered or needs a login) as they happen.
 */
export const managementEventSchemas = {
  snapshot: snapshotEventSchema,
  request: requestRecordSchema,
  quota: quotaStatusSchema,
  auth: authEventSchema,
  account: accountEventSchema,
} as const;

/** The SSE event names of the management stream. */
export type ManagementEventName = keyof typeof managementEventSchemas;

/** The event names, in the order a stream introduces them. */
export const MANAGEMENT_EVENT_NAMES: readonly ManagementEventName[] = [
  "snapshot",
  "request",
  "quota",
  "auth",
  "account",
];

/** One event of the management stream: its SSE name as `type`, its JSON payload as `data`. */
export type ManagementEvent = {
  [Name in ManagementEventName]: { type: Name; data: z.infer<(typeof managementEventSchemas)[Name]> };
}[ManagementEventName];
