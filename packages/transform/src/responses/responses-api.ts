import { z } from "zod";

/** A content part of a backend input message. */
export type ResponsesInputContent =
  | { type: "input_text"; text: string }
  | { type: "output_text"; text: string }
  | { type: "input_image"; image_url: string; detail: "auto" | "low" | "high" }
  | { type: "input_file"; file_data: string; filename?: string };

/** An encrypted reasoning item, replayed before the `function_call` it led to. */
export interface ReasoningItem {
  type: "reasoning";
  summary: Array<{ type: "summary_text"; text: string }>;
  encrypted_content?: string | null;
  content?: unknown[] | null;
}

/** One item of the backend request's `input`. */
export type ResponsesInputItem =
  | { type: "message"; role: "user" | "assistant" | "developer" | "system"; content: ResponsesInputContent[] }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string }
  | ReasoningItem;

/** A tool in the backend's flat Responses form. */
export type ResponsesTool =
  | {
      type: "function";
      name: string;
      description?: string;
      parameters: Record<string, unknown>;
      strict: boolean;
    }
  | {
      type: "web_search";
      search_context_size?: "low" | "medium" | "high";
      user_location?: {
        type: "approximate";
        city?: string;
        country?: string;
        region?: string;
        timezone?: string;
      };
    };

/** `tool_choice` in the backend's Responses form. */
export type ResponsesToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; name: string }
  | { type: "allowed_tools"; mode: "auto" | "required"; tools: Array<{ type: "function"; name: string }> };

/** `text.format` of a backend request. */
export type ResponsesTextFormat =
  | { type: "json_object" }
  | {
      type: "json_schema";
      name: string;
      schema: Record<string, unknown>;
      strict: boolean;
      description?: string;
    };

/**
 * The body POSTed to `{upstream}/responses` (allowlisted fields only), with the input item, tool,
 * tool choice and text format types of the API the request came from.
 */
export type BackendRequestOf<Item, Tool, ToolChoice, Format> = {
  model: string;
  instructions: string;
  input: Item[];
  prompt_cache_key: string;
  store: false;
  stream: true;
  tools?: Tool[];
  tool_choice?: ToolChoice | "auto";
  parallel_tool_calls?: boolean;
  /** `context: "all_turns"` only for responses-lite models (see `ModelResolution.reasoningContext`). */
  reasoning?: { effort?: string; summary?: string; context?: string };
  include?: string[];
  text?: { verbosity?: string; format?: Format };
  service_tier?: string;
};

/** The body POSTed to `{upstream}/responses` for a Chat Completions request. */
export type BackendRequest = BackendRequestOf<
  ResponsesInputItem,
  ResponsesTool,
  ResponsesToolChoice,
  ResponsesTextFormat
>;

// ---- backend events -------------------------------------------------------------------------

const index = z.number().int().nonnegative();

/** Backend usage object (`response.usage`). Details objects may be null. */
const responsesUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  input_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  output_tokens: z.number().nullish(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
  total_tokens: z.number().nullish(),
});
/** Backend usage object. */
export type ResponsesUsage = z.infer<typeof responsesUsageSchema>;

/** Backend error object (inside `response.failed` or an `error` event). */
export const responsesErrorSchema = z.looseObject({
  code: z.union([z.string(), z.number()]).nullish(),
  message: z.string().nullish(),
  type: z.string().nullish(),
  param: z.string().nullish(),
  plan_type: z.string().nullish(),
  resets_at: z.number().nullish(),
  resets_in_seconds: z.number().nullish(),
});
/** Backend error object. */
export type ResponsesError = z.infer<typeof responsesErrorSchema>;

/** Any output item; specific shapes are read with {@link parseOutputItem}. */
const outputItemSchema = z.looseObject({ type: z.string(), id: z.string().nullish() });
/** A loosely validated backend output item. */
export type ResponsesOutputItem = z.infer<typeof outputItemSchema>;

/** The backend `response` object carried by lifecycle events. */
const responsesResponseSchema = z.looseObject({
  id: z.string().nullish(),
  status: z.string().nullish(),
  model: z.string().nullish(),
  created_at: z.number().nullish(),
  output: z.array(outputItemSchema).nullish(),
  usage: responsesUsageSchema.nullish(),
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
  error: responsesErrorSchema.nullish(),
});
/** The backend `response` object. */
export type ResponsesResponse = z.infer<typeof responsesResponseSchema>;

const lifecycle = <T extends string>(type: T) =>
  z.looseObject({ type: z.literal(type), response: responsesResponseSchema });
const delta = <T extends string>(type: T) =>
  z.looseObject({
    type: z.literal(type),
    delta: z.string(),
    item_id: z.string().nullish(),
    output_index: index.nullish(),
    content_index: index.nullish(),
    summary_index: index.nullish(),
  });
const itemEvent = <T extends string>(type: T) =>
  z.looseObject({ type: z.literal(type), output_index: index.nullish(), item: outputItemSchema });

/**
 * The zod schema of each backend event type this package understands: the reference for
 * {@link parseResponsesEvent}, whose hand checks of the frequent types must accept exactly what
 * these accept (a property test holds them to it).
 */
export const responsesEventSchemas = {
  "response.created": lifecycle("response.created"),
  "response.in_progress": lifecycle("response.in_progress"),
  "response.completed": lifecycle("response.completed"),
  "response.incomplete": lifecycle("response.incomplete"),
  "response.failed": lifecycle("response.failed"),
  "response.output_item.added": itemEvent("response.output_item.added"),
  "response.output_item.done": itemEvent("response.output_item.done"),
  "response.output_text.delta": delta("response.output_text.delta"),
  "response.refusal.delta": delta("response.refusal.delta"),
  "response.reasoning_summary_text.delta": delta("response.reasoning_summary_text.delta"),
  "response.reasoning_text.delta": delta("response.reasoning_text.delta"),
  "response.function_call_arguments.delta": delta("response.function_call_arguments.delta"),
  "response.output_text.done": z.looseObject({
    type: z.literal("response.output_text.done"),
    text: z.string(),
    item_id: z.string().nullish(),
    output_index: index.nullish(),
  }),
  "response.function_call_arguments.done": z.looseObject({
    type: z.literal("response.function_call_arguments.done"),
    arguments: z.string(),
    item_id: z.string().nullish(),
    output_index: index.nullish(),
  }),
  "response.reasoning_summary_part.added": z.looseObject({
    type: z.literal("response.reasoning_summary_part.added"),
    item_id: z.string().nullish(),
    output_index: index.nullish(),
    summary_index: index.nullish(),
  }),
  error: z.looseObject({
    type: z.literal("error"),
    error: responsesErrorSchema.nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
    message: z.string().nullish(),
    error_type: z.string().nullish(),
    param: z.string().nullish(),
  }),
} as const;

type EventSchemas = typeof responsesEventSchemas;
/** A validated backend stream event this package understands. */
export type ResponsesEvent = { [K in keyof EventSchemas]: z.infer<EventSchemas[K]> }[keyof EventSchemas];
/** The `type` values of {@link ResponsesEvent}. */
export type ResponsesEventType = ResponsesEvent["type"];
/** The event of one `type`. */
export type ResponsesEventOf<T extends ResponsesEventType> = Extract<ResponsesEvent, { type: T }>;

const DELTA_TYPES: ReadonlySet<string> = new Set([
  "response.output_text.delta",
  "response.function_call_arguments.delta",
  "response.reasoning_summary_text.delta",
]);

// ---- hand checks equivalent to the schemas above, for the frequent events ----------------------

type Fields = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
const optString = (v: unknown) => absent(v) || typeof v === "string";
const optNumber = (v: unknown) => absent(v) || (typeof v === "number" && Number.isFinite(v));
const optIndex = (v: unknown) => absent(v) || (Number.isSafeInteger(v) && (v as number) >= 0);
const optObject = (v: unknown, check: (o: Fields) => boolean) => absent(v) || (isPlainObject(v) && check(v));

const isOutputItem = (v: unknown) => isPlainObject(v) && typeof v["type"] === "string" && optString(v["id"]);
const isUsage = (u: Fields) =>
  optNumber(u["input_tokens"]) &&
  optObject(u["input_tokens_details"], (d) => optNumber(d["cached_tokens"])) &&
  optNumber(u["output_tokens"]) &&
  optObject(u["output_tokens_details"], (d) => optNumber(d["reasoning_tokens"])) &&
  optNumber(u["total_tokens"]);
const isError = (e: Fields) =>
  (absent(e["code"]) ||
    typeof e["code"] === "string" ||
    (typeof e["code"] === "number" && Number.isFinite(e["code"]))) &&
  optString(e["message"]) &&
  optString(e["type"]) &&
  optString(e["param"]) &&
  optString(e["plan_type"]) &&
  optNumber(e["resets_at"]) &&
  optNumber(e["resets_in_seconds"]);
const isResponse = (r: unknown) =>
  isPlainObject(r) &&
  optString(r["id"]) &&
  optString(r["status"]) &&
  optString(r["model"]) &&
  optNumber(r["created_at"]) &&
  (absent(r["output"]) || (Array.isArray(r["output"]) && r["output"].every(isOutputItem))) &&
  optObject(r["usage"], isUsage) &&
  optObject(r["incomplete_details"], (d) => optString(d["reason"])) &&
  optObject(r["error"], isError);
const deltaCheck = (e: Fields) =>
  typeof e["delta"] === "string" &&
  optString(e["item_id"]) &&
  optIndex(e["output_index"]) &&
  optIndex(e["content_index"]) &&
  optIndex(e["summary_index"]);
const lifecycleCheck = (e: Fields) => isResponse(e["response"]);
const itemCheck = (e: Fields) => optIndex(e["output_index"]) && isOutputItem(e["item"]);

const QUICK_CHECKS: ReadonlyMap<string, (event: Fields) => boolean> = new Map([
  ["response.created", lifecycleCheck],
  ["response.in_progress", lifecycleCheck],
  ["response.completed", lifecycleCheck],
  ["response.incomplete", lifecycleCheck],
  ["response.output_item.added", itemCheck],
  ["response.output_item.done", itemCheck],
  [
    "response.output_text.done",
    (e: Fields) => typeof e["text"] === "string" && optString(e["item_id"]) && optIndex(e["output_index"]),
  ],
]);

/** Result of {@link parseResponsesEvent}: the event, or why it was skipped. */
export type ParseEventResult =
  | { ok: true; event: ResponsesEvent }
  | { ok: false; reason: "unknown_type" | "invalid"; type: string | null };

/**
 * Validates one parsed SSE `data` JSON value as a backend event. Unknown event types are
 * reported as `unknown_type` (callers ignore them); malformed known ones as `invalid`.
 */
export function parseResponsesEvent(json: unknown): ParseEventResult {
  if (typeof json !== "object" || json === null) return { ok: false, reason: "invalid", type: null };
  const type = (json as { type?: unknown }).type;
  if (typeof type !== "string") return { ok: false, reason: "invalid", type: null };
  // Hot path: text and argument deltas are most of a stream; a few typeof checks, no copy.
  if (DELTA_TYPES.has(type)) {
    if (deltaCheck(json as Fields)) return { ok: true, event: json as ResponsesEvent };
    return { ok: false, reason: "invalid", type };
  }
  // Lifecycle and item events carry whole response / item objects that zod would copy key by key; a
  // hand check of the fields this package reads accepts exactly what the schemas accept (anything it
  // does not vouch for still goes through zod).
  const quick = QUICK_CHECKS.get(type);
  if (quick?.(json as Record<string, unknown>)) return { ok: true, event: json as ResponsesEvent };
  const schema = Object.hasOwn(responsesEventSchemas, type)
    ? responsesEventSchemas[type as keyof EventSchemas]
    : undefined;
  if (!schema) return { ok: false, reason: "unknown_type", type };
  const result = schema.safeParse(json);
  return result.success ? { ok: true, event: result.data } : { ok: false, reason: "invalid", type };
}

// ---- output items ---------------------------------------------------------------------------

const messageItemSchema = z.looseObject({
  type: z.literal("message"),
  id: z.string().nullish(),
  content: z
    .array(z.looseObject({ type: z.string(), text: z.string().nullish(), refusal: z.string().nullish() }))
    .nullish(),
});
const functionCallItemSchema = z.looseObject({
  type: z.literal("function_call"),
  id: z.string().nullish(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string().nullish(),
});
const reasoningItemSchema = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string().nullish(),
  summary: z.array(z.looseObject({ type: z.string(), text: z.string().nullish() })).nullish(),
  encrypted_content: z.string().nullish(),
  content: z.array(z.unknown()).nullish(),
});

/** A backend output item in one of the shapes the chat mapping reads. */
export type ParsedOutputItem =
  | z.infer<typeof messageItemSchema>
  | z.infer<typeof functionCallItemSchema>
  | z.infer<typeof reasoningItemSchema>;

/** Reads a `message`, `function_call` or `reasoning` output item; `null` for other or malformed items. */
export function parseOutputItem(item: ResponsesOutputItem): ParsedOutputItem | null {
  const schema =
    item.type === "message"
      ? messageItemSchema
      : item.type === "function_call"
        ? functionCallItemSchema
        : item.type === "reasoning"
          ? reasoningItemSchema
          : undefined;
  if (!schema) return null;
  const result = schema.safeParse(item);
  return result.success ? result.data : null;
}
