import { continuesTurn } from "../convert/continues-turn.js";
import { resolvePromptCacheKey } from "../convert/prompt-cache-key.js";
import {
  buildBackendRequest,
  collectDroppedParameterWarnings,
  type ModelResolution,
} from "../responses/build-backend-request.js";
import type {
  BackendRequestOf,
  ReasoningItem,
  ResponsesInputContent,
  ResponsesTextFormat,
  ResponsesTool,
  ResponsesToolChoice,
} from "../responses/responses-api.js";
import { convertMessagesContent, type MessagesInputItem } from "./convert-messages-content.js";
import { convertMessagesTools } from "./convert-messages-tools.js";
import { knownMessagesRequestKeys, type MessagesRequest } from "./messages-request-api.js";
import { collectMessagesSystemPrompts } from "./messages-system-prompts.js";

/** The body POSTed to `{upstream}/responses` for a Messages request. */
export type MessagesBackendRequest = BackendRequestOf<
  MessagesInputItem,
  ResponsesTool,
  ResponsesToolChoice,
  ResponsesTextFormat
>;

/** Options of {@link convertMessagesRequestToResponses}. */
export interface ConvertMessagesRequestOptions {
  model: ModelResolution;
  /** The upstream `instructions` (from `selectInstructions()` over `collectMessagesSystemPrompts`). */
  instructions: string;
  /** Where the `system` prompts go: already in `instructions`, or one `developer` item each, first. */
  systemMessages: "instructions" | "developer";
  /**
   * Whether reasoning is replayed (thinking blocks' signatures, `lookupReasoningItems`); default true.
   * False for the resend after the backend refused replayed reasoning (`invalid_encrypted_content`).
   */
  replayReasoning?: boolean;
  /** Reasoning items kept by the server for a `tool_use` id whose message carried no thinking block. */
  lookupReasoningItems?: (callId: string) => readonly ReasoningItem[] | undefined;
  /**
   * The request's {@link messagesPromptCacheKey}, when the caller already computed it (the server routes
   * a conversation to an account by it before converting); computed here otherwise.
   */
  promptCacheKey?: string;
}

/**
 * The conversation key of a Messages request: its `metadata.user_id`, else derived from the system
 * prompts and the first user message. It is the backend body's `prompt_cache_key` and `session-id`, and
 * the key a server routes a conversation by.
 */
export function messagesPromptCacheKey(request: MessagesRequest): string {
  return resolvePromptCacheKey({
    clientKey: undefined,
    user: request.metadata?.user_id,
    leadingSystemPrompts: collectMessagesSystemPrompts(request),
    firstUserText: () => firstUserText(request),
  });
}

/** A converter result: the backend body, what was changed, and the conversation's cache key. */
export interface ConvertMessagesRequestResult {
  value: MessagesBackendRequest;
  warnings: string[];
  /** `metadata.user_id`, else derived from the system prompt and the first user message; also `session-id`. */
  promptCacheKey: string;
  /** The input ends in a tool output: the request continues the current turn. */
  continuesTurn: boolean;
  /** The input replays encrypted reasoning (so a refusal of it is worth one resend without). */
  replayedReasoning: boolean;
}

// Validated, then dropped: the backend takes no sampling settings or output limit, and has no
// counterpart for Anthropic's containers, MCP servers, context management or cache breakpoints.
const DROPPED_PARAMS: readonly string[] = [
  "max_tokens",
  "temperature",
  "top_p",
  "top_k",
  "service_tier",
  "cache_control",
  "container",
  "context_management",
  "mcp_servers",
  "inference_geo",
  "diagnostics",
];

function firstUserText(request: MessagesRequest): string {
  const first = request.messages.find((message) => message.role === "user");
  if (first === undefined) return "";
  if (typeof first.content === "string") return first.content;
  return first.content
    .map((block) => (block.type === "text" ? (block as { text: string }).text : ""))
    .join("");
}

function convertFormat(request: MessagesRequest): ResponsesTextFormat | undefined {
  const format = request.output_config?.format;
  if (!format) return undefined;
  return { type: "json_schema", name: "output", schema: format.schema, strict: false };
}

/**
 * Converts a validated Messages API request into the Codex backend's Responses request: the `system`
 * prompts as `instructions` (or `developer` items in codex mode), `messages` as input items
 * (`convertMessagesContent`), `tools` and `tool_choice` (`convertMessagesTools`), `output_config.format`
 * as `text.format`, then the rules shared with the chat path (`buildBackendRequest`: `store: false`,
 * `stream: true`, reasoning from the model resolution with encrypted reasoning included, verbosity,
 * tier, `prompt_cache_key`). The prompt cache key is `metadata.user_id` (through the chat path's
 * `resolvePromptCacheKey`), else derived from the system prompts and the first user message.
 * `max_tokens`, `temperature`, `top_p` and `top_k` are reported as dropped; `stop_sequences` are the
 * stream mapper's to enforce and are not sent.
 */
export function convertMessagesRequestToResponses(
  request: MessagesRequest,
  options: ConvertMessagesRequestOptions,
): ConvertMessagesRequestResult {
  const warnings: string[] = [];
  collectDroppedParameterWarnings(request, DROPPED_PARAMS, knownMessagesRequestKeys, warnings);
  const systemPrompts = collectMessagesSystemPrompts(request);
  const converted = convertMessagesContent(
    request.messages,
    { replayReasoning: options.replayReasoning ?? true, lookupReasoningItems: options.lookupReasoningItems },
    warnings,
  );
  const input: MessagesInputItem[] = [];
  if (options.systemMessages === "developer") {
    for (const prompt of systemPrompts) {
      if (prompt.trim() === "") continue;
      const content: ResponsesInputContent[] = [{ type: "input_text", text: prompt }];
      input.push({ type: "message", role: "developer", content });
    }
  }
  input.push(...converted.input);
  const { tools, toolChoice, parallelToolCalls } = convertMessagesTools(request, warnings);
  const promptCacheKey = options.promptCacheKey ?? messagesPromptCacheKey(request);
  const last = request.messages[request.messages.length - 1];
  if (last?.role === "assistant") {
    warnings.push(
      "the last message is the assistant's (a prefill): sent as context, the answer does not continue it",
    );
  }
  const value: MessagesBackendRequest = buildBackendRequest(
    {
      model: options.model,
      instructions: options.instructions,
      input,
      tools,
      toolChoice,
      parallelToolCalls,
      include: undefined,
      format: convertFormat(request),
      promptCacheKey,
    },
    warnings,
  );
  return {
    value,
    warnings,
    promptCacheKey,
    continuesTurn: continuesTurn(input),
    replayedReasoning: converted.replayedReasoning,
  };
}
