import { parseRequestBody } from "../chat/parse-request-body.js";
import { continuesTurn } from "../convert/continues-turn.js";
import { resolvePromptCacheKey } from "../convert/prompt-cache-key.js";
import { createInvalidRequestError } from "../errors/openai-http-error.js";
import {
  buildBackendRequest,
  collectDroppedParameterWarnings,
  createOrphanToolOutputNote,
  type ModelResolution,
} from "./build-backend-request.js";
import {
  knownResponsesRequestKeys,
  type ResponsesRequest,
  responsesRequestSchema,
} from "./responses-request-api.js";

type Item = Record<string, unknown>;

/** Options of {@link sanitizeResponsesRequest}. */
export interface SanitizeResponsesOptions {
  model: ModelResolution;
  /** The upstream `instructions` (from `selectInstructions()` over {@link collectResponsesSystemPrompts}). */
  instructions: string;
  /**
   * `instructions`: the leading system/developer input messages are already in `instructions` and are
   * left out (later ones stay in place as `developer` items). `developer`: every one is a `developer` item.
   */
  systemMessages: "instructions" | "developer";
  /**
   * The request's {@link responsesPromptCacheKey}, when the caller already computed it (the server
   * routes a conversation to an account by it before converting); computed here otherwise.
   */
  promptCacheKey?: string;
}

/** The backend body for a `/v1/responses` request, what was changed, and the cache key. */
export interface SanitizeResponsesResult {
  value: Record<string, unknown>;
  warnings: string[];
  promptCacheKey: string;
  /** The input ends in a tool output: the request continues the current turn (see `continuesTurn`). */
  continuesTurn: boolean;
  /** The client asked for a stream (`stream: true`); upstream always streams. */
  stream: boolean;
}

// Validated by the schema, then dropped: the backend rejects or ignores them.
const DROPPED: readonly string[] = [
  "max_output_tokens",
  "max_tool_calls",
  "temperature",
  "top_p",
  "top_logprobs",
  "truncation",
  "metadata",
  "safety_identifier",
  "prompt_cache_retention",
  "background",
  "stream_options",
];

function asItems(input: ResponsesRequest["input"]): Item[] {
  if (typeof input === "string")
    return [{ type: "message", role: "user", content: [{ type: "input_text", text: input }] }];
  return input.map((item) => ({ ...item }));
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) =>
      typeof part === "object" && part !== null && typeof (part as Item)["text"] === "string"
        ? String((part as Item)["text"])
        : "",
    )
    .join("");
}

const itemText = (item: Item): string => textOf(item["content"]);

const isSystem = (item: Item): boolean =>
  (item["type"] === "message" || item["type"] === undefined || item["type"] === null) &&
  (item["role"] === "system" || item["role"] === "developer");

/** How many system/developer messages open an `input` (before its first other item). */
function countLeadingSystemItems(items: readonly Item[]): number {
  let count = 0;
  while (count < items.length && isSystem(items[count] as Item)) count++;
  return count;
}

/**
 * The client's `instructions` and the texts of the system/developer messages that open its `input`, in
 * order. Only these become the upstream `instructions`; a system message later in the input stays in
 * place as a `developer` item, so adding one mid-conversation changes neither the instructions nor
 * the prompt cache key.
 */
export function collectResponsesSystemPrompts(request: ResponsesRequest): string[] {
  const prompts = request.instructions ? [request.instructions] : [];
  if (typeof request.input !== "string") {
    const leading = countLeadingSystemItems(request.input);
    for (let i = 0; i < leading; i++) prompts.push(textOf((request.input[i] as Item)["content"]));
  }
  return prompts;
}

/** Validates a `/v1/responses` body (400 with `param` on failure). */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const request = parseRequestBody(responsesRequestSchema, body);
  if (request["conversation"] !== undefined && request["conversation"] !== null) {
    throw createInvalidRequestError(
      "'conversation' is not supported: the ChatGPT backend does not store conversations (store: false). Send the whole conversation in 'input'.",
      "conversation",
      "unsupported_parameter",
    );
  }
  if (request.previous_response_id) {
    throw createInvalidRequestError(
      "'previous_response_id' is not supported: the ChatGPT backend does not store responses (store: false). Send the whole conversation in 'input'.",
      "previous_response_id",
      "unsupported_parameter",
    );
  }
  return request;
}

function sanitizeInput(items: Item[], options: SanitizeResponsesOptions, warnings: string[]): Item[] {
  const out: Item[] = [];
  const calls = new Set<string>();
  let droppedReferences = 0;
  const inInstructions = options.systemMessages === "instructions" ? countLeadingSystemItems(items) : 0;
  for (let i = 0; i < items.length; i++) {
    const original = items[i];
    if (original === undefined) continue;
    const { id: _id, ...item } = original;
    if (item["type"] === undefined || item["type"] === null) {
      if (typeof item["role"] !== "string") continue;
      item["type"] = "message";
    }
    const type = item["type"];
    if (type === "item_reference") {
      droppedReferences++;
      continue;
    }
    if (isSystem(item)) {
      if (i < inInstructions) continue;
      item["role"] = "developer";
    }
    if (type === "reasoning" && !item["encrypted_content"]) {
      warnings.push("a reasoning item without encrypted_content was dropped (nothing is stored upstream)");
      continue;
    }
    if ((type === "function_call" || type === "custom_tool_call") && typeof item["call_id"] === "string") {
      calls.add(item["call_id"]);
    }
    if (
      (type === "function_call_output" || type === "custom_tool_call_output") &&
      typeof item["call_id"] === "string"
    ) {
      if (!calls.has(item["call_id"])) {
        const output =
          typeof item["output"] === "string" ? item["output"] : JSON.stringify(item["output"] ?? "");
        out.push(createOrphanToolOutputNote(item["call_id"], output, `input[${i}]`, warnings));
        continue;
      }
    }
    out.push(item);
  }
  if (droppedReferences > 0)
    warnings.push(`${droppedReferences} item_reference item(s) dropped (nothing is stored upstream)`);
  return out;
}

/**
 * The conversation key of a Responses request: its `prompt_cache_key`, else its `user`, else derived
 * from the leading system prompts and the first user message. It is the backend body's
 * `prompt_cache_key` and `session-id`, and the key a server routes a conversation by.
 */
export function responsesPromptCacheKey(request: ResponsesRequest): string {
  return resolvePromptCacheKey({
    clientKey: request.prompt_cache_key,
    user: request.user,
    leadingSystemPrompts: collectResponsesSystemPrompts(request),
    firstUserText: () => {
      if (typeof request.input === "string") return request.input;
      // Read in place: copying every item (as the sanitiser does) only to find the first is waste.
      const first = (request.input as readonly Item[]).find((item) => item["role"] === "user");
      return first === undefined ? "" : itemText(first);
    },
  });
}

/**
 * Sanitises a client's Responses request for the backend: item ids and `item_reference` items
 * stripped; string `input` → one user message; leading system/developer messages handled per
 * `systemMessages` (later ones become `developer` items in place); `web_search_preview` →
 * `web_search`; the prompt cache key from `prompt_cache_key`, else `user`, else the leading system
 * prompts and the first user message; then the rules shared with
 * `convertChatRequestToResponses` (`buildBackendRequest`): `store: false` and `stream: true`
 * forced, orphan tool outputs turned into text, reasoning effort/summary, verbosity and service tier
 * from the model resolution, rejected parameters (`max_output_tokens`, `temperature`, …) dropped
 * with warnings.
 */
export function sanitizeResponsesRequest(
  body: unknown,
  options: SanitizeResponsesOptions,
): SanitizeResponsesResult {
  const request = parseResponsesRequest(body);
  const warnings: string[] = [];
  collectDroppedParameterWarnings(request, DROPPED, knownResponsesRequestKeys, warnings);
  const items = asItems(request.input);
  const promptCacheKey = options.promptCacheKey ?? responsesPromptCacheKey(request);
  const input = sanitizeInput(items, options, warnings);
  // In developer mode the client's own `instructions` travel like its system messages do.
  if (options.systemMessages === "developer" && request.instructions) {
    input.unshift({ type: "message", role: "developer", content: request.instructions });
  }
  const value: Record<string, unknown> = buildBackendRequest(
    {
      model: options.model,
      instructions: options.instructions,
      input,
      tools: (request.tools ?? []).map((tool) =>
        tool.type === "web_search_preview" ? { ...tool, type: "web_search" } : tool,
      ),
      toolChoice: request.tool_choice,
      parallelToolCalls: request.parallel_tool_calls,
      include: request.include,
      format: request.text?.format,
      promptCacheKey,
    },
    warnings,
  );
  return {
    value,
    warnings,
    promptCacheKey,
    continuesTurn: continuesTurn(input),
    stream: request.stream === true,
  };
}
