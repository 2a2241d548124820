import {
  type ChatCompletionRequest,
  type ChatMessage,
  knownChatRequestKeys,
} from "../chat/chat-completions-api.js";
import { collectSystemPrompts } from "../chat/collect-system-prompts.js";
import { messageText } from "../chat/message-text.js";
import {
  buildBackendRequest,
  collectDroppedParameterWarnings,
  type ModelResolution,
} from "../responses/build-backend-request.js";
import type { BackendRequest, ReasoningItem, ResponsesTextFormat } from "../responses/responses-api.js";
import { continuesTurn } from "./continues-turn.js";
import { convertChatMessages } from "./convert-chat-messages.js";
import { convertChatTools } from "./convert-chat-tools.js";
import { resolvePromptCacheKey } from "./prompt-cache-key.js";

/** Options of {@link convertChatRequestToResponses}. */
export interface ConvertChatRequestOptions {
  model: ModelResolution;
  /** The upstream `instructions` (from `@cmp/instructions` `selectInstructions()`). */
  instructions: string;
  /**
   * Where the leading system/developer messages go: already in `instructions`, or `developer` items.
   * Later system messages are `developer` items in place either way.
   */
  systemMessages: "instructions" | "developer";
  /** Reasoning items kept from an earlier turn, replayed before the matching `function_call`. */
  lookupReasoningItems?: (callId: string) => readonly ReasoningItem[] | undefined;
  /**
   * The request's {@link chatPromptCacheKey}, when the caller already computed it (the server routes
   * a conversation to an account by it before converting); computed here otherwise.
   */
  promptCacheKey?: string;
}

/** A converter result: the backend body, what was changed, and the conversation's cache key. */
export interface ConvertChatRequestResult {
  value: BackendRequest;
  warnings: string[];
  /** Also sent as the `session-id` and `thread-id` headers. */
  promptCacheKey: string;
  /** The input ends in a tool output: the request continues the current turn (see `continuesTurn`). */
  continuesTurn: boolean;
}

// Validated by the schema, then dropped: the backend rejects or ignores them.
const DROPPED_PARAMS: readonly string[] = [
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "seed",
  "metadata",
  "logit_bias",
  "presence_penalty",
  "frequency_penalty",
  "prediction",
  "safety_identifier",
  "prompt_cache_retention",
];

const userText = (message: ChatMessage): string => messageText(message.content);

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
 * The conversation key of a Chat Completions request: its `prompt_cache_key`, else its `user`, else
 * derived from the leading system messages and the first user message. It is the backend body's
 * `prompt_cache_key` and `session-id`, and the key a server routes a conversation by.
 */
export function chatPromptCacheKey(request: ChatCompletionRequest): string {
  return resolvePromptCacheKey({
    clientKey: request.prompt_cache_key,
    user: request.user,
    leadingSystemPrompts: collectSystemPrompts(request),
    firstUserText: () => {
      const first = request.messages.find((message) => message.role === "user");
      return first === undefined ? "" : userText(first);
    },
  });
}

/**
 * Converts a validated Chat Completions request into the Codex backend's Responses request:
 * messages, tools and `response_format` in the backend's forms, then the rules shared with
 * `sanitizeResponsesRequest` (`buildBackendRequest`): allowlisted fields only, `store: false`,
 * `stream: true`, reasoning from the model resolution (with `include:
 * ["reasoning.encrypted_content"]`), `text.verbosity` / `text.format`, and a stable
 * `prompt_cache_key` (the client's `prompt_cache_key`, else its `user`, else derived from the leading
 * system messages and the first user message). `n`, `stop` and `stream_options` are the server's and
 * the stream mapper's business and are not sent; neither is `user`.
 */
export function convertChatRequestToResponses(
  request: ChatCompletionRequest,
  options: ConvertChatRequestOptions,
): ConvertChatRequestResult {
  const warnings: string[] = [];
  collectDroppedParameterWarnings(request, DROPPED_PARAMS, knownChatRequestKeys, warnings);
  const input = convertChatMessages(
    request.messages,
    { systemMessages: options.systemMessages, lookupReasoningItems: options.lookupReasoningItems },
    warnings,
  );
  const { tools, toolChoice, parallelToolCalls } = convertChatTools(request);
  const promptCacheKey = options.promptCacheKey ?? chatPromptCacheKey(request);
  const value: BackendRequest = buildBackendRequest(
    {
      model: options.model,
      instructions: options.instructions,
      input,
      tools,
      toolChoice,
      parallelToolCalls,
      include: undefined,
      format: convertResponseFormat(request),
      promptCacheKey,
    },
    warnings,
  );
  return { value, warnings, promptCacheKey, continuesTurn: continuesTurn(input) };
}
