import type { BackendRequestOf } from "./responses-api.js";

/** The model resolution (`@cmp/models` `resolveModel()`), reduced to what the request needs. */
export interface ModelResolution {
  slug: string;
  effort?: string | null;
  /**
   * `none` (or null) leaves `reasoning.summary` out. `@cmp/models` chooses `none` for a model whose
   * catalog entry does not take the parameter (`supports_reasoning_summary_parameter`).
   */
  summary?: string | null;
  /**
   * Sent as `text.verbosity`; `@cmp/models` leaves it null where the catalog has no
   * `support_verbosity`, so a client's verbosity never reaches a model that does not take it.
   */
  verbosity?: string | null;
  /** `all_turns` for responses-lite models (`use_responses_lite`); sent as `reasoning.context`. */
  reasoningContext?: string | null;
  /** `priority` only when the model offers it. */
  serviceTier?: string | null;
}

/** What {@link buildBackendRequest} assembles: the parts each front-end API converts its own way. */
export interface BackendRequestParts<Item, Tool, ToolChoice, Format> {
  model: ModelResolution;
  /** The upstream `instructions` (from `@cmp/instructions` `selectInstructions()`). */
  instructions: string;
  input: Item[];
  tools: Tool[];
  /** The client's choice; `auto` when absent, dropped (with a warning if it forced a tool) without tools. */
  toolChoice: ToolChoice | null | undefined;
  /** Sent only with tools and when set. */
  parallelToolCalls: boolean | null | undefined;
  /** The client's `include`; `reasoning.encrypted_content` is added when the model reasons. */
  include: readonly string[] | null | undefined;
  /** `text.format` in the backend's form. */
  format: Format | null | undefined;
  /** From `resolvePromptCacheKey`. */
  promptCacheKey: string;
}

const ENCRYPTED_REASONING = "reasoning.encrypted_content";

/**
 * The one place the backend request's shared rules live, for both the Chat Completions converter
 * and the Responses sanitiser: the model slug and instructions; tools with `tool_choice` (default
 * `auto`) and `parallel_tool_calls` only when there are tools; reasoning effort and summary from the
 * model resolution (plus `context: "all_turns"` for responses-lite models), with
 * `include: ["reasoning.encrypted_content"]` so reasoning can be replayed (nothing is stored upstream);
 * `text.verbosity` only from the model resolution (which honours the catalog's `support_verbosity`) and
 * `text.format`; `service_tier: "priority"` only when the resolution chose it; the prompt cache key; and
 * always `store: false`, `stream: true`. The request keeps the classic shape (top-level `instructions`
 * and `tools`) for every model, responses-lite ones included.
 */
export function buildBackendRequest<Item, Tool, ToolChoice, Format>(
  parts: BackendRequestParts<Item, Tool, ToolChoice, Format>,
  warnings: string[],
): BackendRequestOf<Item, Tool, ToolChoice, Format> {
  const { model, toolChoice } = parts;
  const value: BackendRequestOf<Item, Tool, ToolChoice, Format> = {
    model: model.slug,
    instructions: parts.instructions,
    input: parts.input,
    prompt_cache_key: parts.promptCacheKey,
    store: false,
    stream: true,
  };
  if (parts.tools.length > 0) {
    value.tools = parts.tools;
    value.tool_choice = toolChoice ?? "auto";
    if (parts.parallelToolCalls !== null && parts.parallelToolCalls !== undefined) {
      value.parallel_tool_calls = parts.parallelToolCalls;
    }
  } else if (
    toolChoice !== null &&
    toolChoice !== undefined &&
    toolChoice !== "none" &&
    toolChoice !== "auto"
  ) {
    warnings.push("tool_choice dropped: the request has no tools");
  }
  let include = parts.include && parts.include.length > 0 ? [...new Set(parts.include)] : undefined;
  if (model.effort) {
    // Built field by field, not spread: this runs once per request.
    const reasoning: { effort?: string; summary?: string; context?: string } = { effort: model.effort };
    if (model.summary && model.summary !== "none") reasoning.summary = model.summary;
    if (model.reasoningContext) reasoning.context = model.reasoningContext;
    value.reasoning = reasoning;
    if (include === undefined) include = [ENCRYPTED_REASONING];
    else if (!include.includes(ENCRYPTED_REASONING)) include.push(ENCRYPTED_REASONING);
  }
  if (include !== undefined) value.include = include;
  const verbosity = model.verbosity;
  const format = parts.format;
  if (verbosity || format) {
    const text: { verbosity?: string; format?: Format } = {};
    if (verbosity) text.verbosity = verbosity;
    if (format) text.format = format;
    value.text = text;
  }
  if (model.serviceTier === "priority") value.service_tier = "priority";
  return value;
}

/**
 * Warns about each request parameter the backend cannot take: the `dropped` ones that are set
 * (validated by the schema first, like OpenAI does), `store: true` (nothing is stored upstream) and
 * keys the schema does not know.
 */
export function collectDroppedParameterWarnings(
  request: Readonly<Record<string, unknown>>,
  dropped: readonly string[],
  knownKeys: ReadonlySet<string>,
  warnings: string[],
): void {
  for (const key of dropped) {
    if (request[key] !== null && request[key] !== undefined) {
      warnings.push(`parameter '${key}' is not supported by the ChatGPT backend; dropped`);
    }
  }
  if (request["store"] === true) {
    warnings.push("parameter 'store' dropped: the ChatGPT backend never stores responses");
  }
  for (const key of Object.keys(request)) {
    if (!knownKeys.has(key)) warnings.push(`unknown parameter '${key}' dropped`);
  }
}

/**
 * The user message that replaces a tool output whose call is not in the conversation (a type alias,
 * so it also fits the Responses path's loose `Record` items).
 */
export type OrphanToolOutputNote = {
  type: "message";
  role: "user";
  content: [{ type: "input_text"; text: string }];
};

/**
 * A tool output whose call is not in the conversation would make the backend answer 400; it is sent
 * as a user text note instead, with a warning naming where it was (`messages[3]`, `input[2]`).
 */
export function createOrphanToolOutputNote(
  callId: string,
  output: string,
  where: string,
  warnings: string[],
): OrphanToolOutputNote {
  warnings.push(
    `${where}: the output of tool call ${callId} has no matching call in the conversation; sent as a text note`,
  );
  return {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: `[Result of earlier tool call ${callId}]\n${output}` }],
  };
}
