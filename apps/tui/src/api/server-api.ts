import { z } from "zod";

/** One quota window (the 5-hour "primary" or the weekly "secondary"). */
export interface QuotaWindow {
  usedPercent: number;
  windowMinutes: number | null;
  resetsAt: Date | null;
}

/** The latest quota the server saw in the upstream `x-codex-*` headers. */
export interface QuotaSnapshot {
  primary: QuotaWindow | null;
  secondary: QuotaWindow | null;
  updatedAt: Date | null;
}

/** What `GET /v1/status` says about the login and the quota. */
export interface ServerStatus {
  loggedIn: boolean;
  account: { email: string | null; plan: string | null; accountId: string | null } | null;
  token: { expiresAt: Date | null; lastRefresh: Date | null } | null;
  quota: QuotaSnapshot | null;
}

/** Token counts of a finished request. */
export interface RequestUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** One proxied request, as the management stream reports it (at start and at end). */
export interface RequestRecord {
  id: string;
  startedAt: Date;
  model: string;
  slug: string | null;
  effort: string | null;
  stream: boolean;
  state: "running" | "done" | "error";
  status: number | null;
  ttftMs: number | null;
  durationMs: number | null;
  usage: RequestUsage | null;
  error: string | null;
}

/** A login event from the server's token manager. */
export interface AuthEvent {
  type: "refreshed" | "refresh_failed" | "logged_out";
  at: Date;
}

/** One entry of the server's model catalog (`GET /v1/models`). */
export interface ModelInfo {
  id: string;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  efforts: string[];
  defaultEffort: string | null;
  inputModalities: string[];
}

// Timestamps arrive as RFC 3339 strings; be lenient and also take unix seconds or milliseconds.
const dateSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const date = typeof value === "number" ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: "not a date" });
    return z.NEVER;
  }
  return date;
});
const optionalDate = dateSchema.nullish().transform((value) => value ?? null);
const optionalNumber = z
  .number()
  .nullish()
  .transform((value) => value ?? null);
const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

// The server documents snake_case; the codex client's snapshot is camelCase. Accept both.
const quotaWindowSchema = z
  .looseObject({
    used_percent: z.number().optional(),
    usedPercent: z.number().optional(),
    window_minutes: optionalNumber.optional(),
    windowMinutes: optionalNumber.optional(),
    resets_at: optionalDate.optional(),
    resetsAt: optionalDate.optional(),
  })
  .transform((w, ctx): QuotaWindow => {
    const usedPercent = w.used_percent ?? w.usedPercent;
    if (usedPercent === undefined) {
      ctx.addIssue({ code: "custom", message: "used_percent missing" });
      return z.NEVER;
    }
    return {
      usedPercent,
      windowMinutes: w.window_minutes ?? w.windowMinutes ?? null,
      resetsAt: w.resets_at ?? w.resetsAt ?? null,
    };
  });

/** Schema of a quota snapshot, in either naming style. */
export const quotaSnapshotSchema = z
  .looseObject({
    primary: quotaWindowSchema.nullish(),
    secondary: quotaWindowSchema.nullish(),
    updated_at: optionalDate.optional(),
    updatedAt: optionalDate.optional(),
  })
  .transform(
    (q): QuotaSnapshot => ({
      primary: q.primary ?? null,
      secondary: q.secondary ?? null,
      updatedAt: q.updated_at ?? q.updatedAt ?? null,
    }),
  );

/** Schema of `GET /v1/status`. */
export const serverStatusSchema = z
  .looseObject({
    logged_in: z.boolean(),
    account: z
      .looseObject({ email: optionalString, plan: optionalString, account_id: optionalString })
      .nullish(),
    token: z.looseObject({ expires_at: optionalDate, last_refresh: optionalDate }).nullish(),
    quota: quotaSnapshotSchema.nullish(),
  })
  .transform(
    (s): ServerStatus => ({
      loggedIn: s.logged_in,
      account: s.account
        ? { email: s.account.email, plan: s.account.plan, accountId: s.account.account_id }
        : null,
      token: s.token ? { expiresAt: s.token.expires_at, lastRefresh: s.token.last_refresh } : null,
      quota: s.quota ?? null,
    }),
  );

const usageSchema = z.looseObject({
  input: z.number().nullish(),
  cached: z.number().nullish(),
  output: z.number().nullish(),
  reasoning: z.number().nullish(),
});

/** Schema of a `RequestRecord` from the management stream. */
export const requestRecordSchema = z
  .looseObject({
    id: z.union([z.string(), z.number()]).transform(String),
    startedAt: dateSchema,
    model: optionalString,
    slug: optionalString,
    effort: optionalString,
    stream: z.boolean().nullish(),
    state: z.enum(["running", "done", "error"]),
    status: optionalNumber,
    ttftMs: optionalNumber,
    durationMs: optionalNumber,
    usage: usageSchema.nullish(),
    error: z
      .union([z.string(), z.looseObject({ message: z.string() })])
      .nullish()
      .transform((e) => (e == null ? null : typeof e === "string" ? e : e.message)),
  })
  .transform(
    (r): RequestRecord => ({
      id: r.id,
      startedAt: r.startedAt,
      model: r.model ?? r.slug ?? "unknown",
      slug: r.slug,
      effort: r.effort,
      stream: r.stream ?? false,
      state: r.state,
      status: r.status,
      ttftMs: r.ttftMs,
      durationMs: r.durationMs,
      usage: r.usage
        ? {
            input: r.usage.input ?? 0,
            cached: r.usage.cached ?? 0,
            output: r.usage.output ?? 0,
            reasoning: r.usage.reasoning ?? 0,
          }
        : null,
      error: r.error,
    }),
  );

/** Schema of the management stream's `snapshot` event. */
export const snapshotEventSchema = z.looseObject({
  status: serverStatusSchema,
  recent: z
    .array(requestRecordSchema)
    .nullish()
    .transform((r) => r ?? []),
});

/** Schema of the management stream's `auth` event. */
export const authEventSchema = z
  .looseObject({ type: z.enum(["refreshed", "refresh_failed", "logged_out"]), at: optionalDate })
  .transform((e): AuthEvent => ({ type: e.type, at: e.at ?? new Date() }));

const effortListSchema = z
  .array(z.union([z.string(), z.looseObject({ effort: z.string() })]))
  .transform((list) => list.map((e) => (typeof e === "string" ? e : e.effort)));

const modelEntrySchema = z
  .looseObject({
    id: z.string(),
    context_window: optionalNumber.optional(),
    context_length: optionalNumber.optional(),
    max_output_tokens: optionalNumber.optional(),
    reasoning_efforts: effortListSchema.nullish(),
    supported_reasoning_efforts: effortListSchema.nullish(),
    supported_reasoning_levels: effortListSchema.nullish(),
    default_reasoning_effort: optionalString.optional(),
    default_reasoning_level: optionalString.optional(),
    input_modalities: z.array(z.string()).nullish(),
    modalities: z.array(z.string()).nullish(),
  })
  .transform(
    (m): ModelInfo => ({
      id: m.id,
      contextWindow: m.context_window ?? m.context_length ?? null,
      maxOutputTokens: m.max_output_tokens ?? null,
      efforts: m.reasoning_efforts ?? m.supported_reasoning_efforts ?? m.supported_reasoning_levels ?? [],
      defaultEffort: m.default_reasoning_effort ?? m.default_reasoning_level ?? null,
      inputModalities: m.input_modalities ?? m.modalities ?? [],
    }),
  );

/** Schema of `GET /v1/models` (OpenAI list shape plus catalog fields). */
export const modelListSchema = z
  .looseObject({ data: z.array(modelEntrySchema) })
  .transform((list) => list.data);
