import { type ChatCompletionRequest, knownChatRequestKeys } from "../chat/chat-completions-api.js";
import { messageText } from "../chat/collect-system-prompts.js";
import type { BackendRequest, ReasoningItem, ResponsesTextFormat } from "../responses/responses-api.js";
import { convertChatMessages } from "./convert-chat-messages.js";
import { convertChatTools } from "./convert-chat-tools.js";
import { derivePromptCacheKey } from "./prompt-cache-key.js";

/** The model resolution (`@cmp/models` `resolveModel()`), reduced to what the request needs. */
export interface ModelResolution {
  slug: string;
  effort?: string | null;
  /** `none` (or null) leaves `reasoning.summary` out. */
  summary?: string | null;
  verbosity?: string | null;
  /** `priority` only when the model offers it. */
  serviceTier?: string | null;
}

/** Options of {@link convertChatRequestToResponses}. */
export interface ConvertChatRequestOptions {
  model: ModelResolution;
  /** The upstream `instructions` (from `@cmp/instructions` `selectInstructions()`). */
  instructions: string;
  /** Where system/developer messages go: already in `instructions`, or `developer` items. */
  systemMessages: "instructions" | "developer";
  /** Reasoning items kept from an earlier turn, replayed before the matching `function_call`. */
  lookupReasoningItems?: (callId: string) => readonly ReasoningItem[] | undefined;
}

/** A converter result: the backend body, what was changed, and the conversation's cache key. */
export interface ConvertChatRequestResult {
  value: BackendRequest;
  warnings: string[];
  /** Also sent as the `session_id` header. */
  promptCacheKey: string;
}

// Validated by the schema, then dropped: the backend rejects or ignores them.
const DROPPED_PARAMS = [
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "seed",
  "user",
  "metadata",
  "logit_bias",
  "presence_penalty",
  "frequency_penalty",
  "prediction",
  "safety_identifier",
  "prompt_cache_retention",
] as const;

function collectDropWarnings(request: ChatCompletionRequest, warnings: string[]): void {
  for (const key of DROPPED_PARAMS) {
    if (request[key] !== null && request[key] !== undefined) {
      warnings.push(`parameter '${key}' is not supported by the ChatGPT backend; dropped`);
    }
  }
  if (request.store === true)
    warnings.push("parameter 'store' dropped: the ChatGPT backend never stores responses");
  for (const key of Object.keys(request)) {
    if (!knownChatRequestKeys.has(key)) warnings.push(`unknown parameter '${key}' dropped`);
  }
}

function convertResponseFormat(request: ChatCompletionRequest): ResponsesTextFormat | undefined {
  const format = request.response_format;
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  const { name, schema, strict, description } = format.json_schema;
  return {
    type: "json_schema",
    name,
    schema: schema ?? {},
    strict: strict ?? false,
    ...(description ? { description } : {}),
  };
}

/**
 * Converts a validated Chat Completions request into the Codex backend's Responses request:
 * allowlisted fields only, `store: false`, `stream: true`, reasoning from the model resolution
 * (with `include: ["reasoning.encrypted_content"]`), `text.verbosity` / `text.format`, tools,
 * and a stable `prompt_cache_key`. `n`, `stop` and `stream_options` are the server's and the
 * stream mapper's business and are not sent.
 */
export function convertChatRequestToResponses(
  request: ChatCompletionRequest,
  options: ConvertChatRequestOptions,
): ConvertChatRequestResult {
  const warnings: string[] = [];
  collectDropWarnings(request, warnings);
  const input = convertChatMessages(
    request.messages,
    { systemMessages: options.systemMessages, lookupReasoningItems: options.lookupReasoningItems },
    warnings,
  );
  const { tools, toolChoice, parallelToolCalls } = convertChatTools(request, warnings);
  const { model } = options;

  const firstUser = request.messages.find((message) => message.role === "user");
  const promptCacheKey =
    request.prompt_cache_key ||
    derivePromptCacheKey(options.instructions, firstUser ? messageText(firstUser.content) : "");

  const value: BackendRequest = {
    model: model.slug,
    instructions: options.instructions,
    input,
    prompt_cache_key: promptCacheKey,
    store: false,
    stream: true,
  };
  if (tools.length > 0) {
    value.tools = tools;
    if (toolChoice !== undefined) value.tool_choice = toolChoice;
    if (parallelToolCalls !== undefined) value.parallel_tool_calls = parallelToolCalls;
  }
  if (model.effort) {
    value.reasoning = {
      effort: model.effort,
      ...(model.summary && model.summary !== "none" ? { summary: model.summary } : {}),
    };
    value.include = ["reasoning.encrypted_content"];
  }
  const format = convertResponseFormat(request);
  if (model.verbosity || format) {
    value.text = {
      ...(model.verbosity ? { verbosity: model.verbosity } : {}),
      ...(format ? { format } : {}),
    };
  }
  if (model.serviceTier === "priority") value.service_tier = "priority";
  return { value, warnings, promptCacheKey };
}
