import { z } from "zod";
import { requestRecordSchema } from "./request-record.js";
import { timestampSchema } from "./timestamp.js";

/** Schema of {@link BudgetPeriod}. */
export const budgetPeriodSchema = z.enum(["day", "week", "month"]);

/** The period a key's token budget and usage count over (UTC calendar days, ISO weeks, months). */
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>;

/** Schema of {@link KeyUsage}. */
export const keyUsageSchema = z.object({
  requests: z.number().int().nonnegative(),
  input: z.number().nonnegative(),
  cached: z.number().nonnegative(),
  output: z.number().nonnegative(),
  reasoning: z.number().nonnegative(),
});

/** Requests and tokens counted for a key in one period (shared by every replica). */
export type KeyUsage = z.infer<typeof keyUsageSchema>;

/** Schema of {@link ApiKeyInfo}. */
export const apiKeyInfoSchema = z.object({
  name: z.string().min(1),
  created_at: timestampSchema,
  last_used_at: timestampSchema.nullable(),
  /** May use the management API, `/metrics`, account pinning and key management over HTTP. */
  admin: z.boolean(),
  /** The models the key may use (client names as resolved), `null` for any. */
  models: z.array(z.string()).nullable(),
  /** Requests per minute, `null` for no limit. */
  rpm: z.number().int().positive().nullable(),
  /** The token budget, `null` for none. `used` counts input + output tokens of the current period. */
  budget: z
    .object({
      tokens: z.number().int().positive(),
      per: budgetPeriodSchema,
      used: z.number().nonnegative(),
      resets_at: timestampSchema,
    })
    .nullable(),
  /** What the key used in the current period (`per` of its budget, else the current UTC day). */
  usage: keyUsageSchema,
  period_start: timestampSchema,
});

/** One named API key as `keys list` and `GET /v1/management/keys` show it (never the key itself). */
export type ApiKeyInfo = z.infer<typeof apiKeyInfoSchema>;

/** Schema of {@link ApiKeyList}. */
export const apiKeyListSchema = z.object({ object: z.literal("list"), data: z.array(apiKeyInfoSchema) });

/** The body of `GET /v1/management/keys`. */
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;

/** Schema of {@link CreatedApiKey}. */
export const createdApiKeySchema = z.object({
  /** The key, shown this once: only its hash is stored. */
  key: z.string().min(1),
  info: apiKeyInfoSchema,
});

/** The body of `POST /v1/management/keys`. */
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

/** Schema of {@link RequestHistoryPage}. */
export const requestHistoryPageSchema = z.object({
  object: z.literal("list"),
  data: z.array(requestRecordSchema),
});

/** The body of `GET /v1/management/requests` (newest first). */
export type RequestHistoryPage = z.infer<typeof requestHistoryPageSchema>;
