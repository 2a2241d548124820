import type { OpenAIErrorBody } from "../errors/openai-http-error.js";

/** `finish_reason` values this package emits. */
export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

/** Chat Completions `usage`, always with integer fields and both details objects. */
export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** One streamed tool-call fragment (`delta.tool_calls[i]`). */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

/** `choices[i].delta` of a `chat.completion.chunk`. */
export interface ChatCompletionDelta {
  role?: "assistant";
  content?: string;
  refusal?: string;
  reasoning_content?: string;
  reasoning?: string;
  tool_calls?: ChatToolCallDelta[];
  /** Legacy `functions` requests only: the one function call (name first, argument fragments after). */
  function_call?: { name?: string; arguments: string };
}

/** One choice of a `chat.completion.chunk`. */
export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionDelta;
  logprobs: null;
  finish_reason: ChatFinishReason | null;
}

/** A `chat.completion.chunk`; the usage-only last chunk has `choices: []`. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: ChatCompletionUsage | null;
}

/**
 * What a Chat Completions stream carries: chunks, or one final OpenAI error object
 * (`{ error: {…} }`) that the server writes as the last `data:` before `[DONE]`.
 */
export type ChatStreamPart = ChatCompletionChunk | OpenAIErrorBody;

/** A complete tool call in a `chat.completion` message. */
export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** `choices[i].message` of a `chat.completion`. */
export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  refusal: string | null;
  /** The reasoning summary; also in `reasoning`, since clients read one or the other. */
  reasoning_content?: string;
  reasoning?: string;
  tool_calls?: ChatToolCall[];
  /** Legacy `functions` requests only, instead of `tool_calls`. */
  function_call?: { name: string; arguments: string };
  annotations: unknown[];
}

/** One choice of a `chat.completion`. */
export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  logprobs: null;
  finish_reason: ChatFinishReason;
}

/** A non-streaming `chat.completion` response body. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage: ChatCompletionUsage;
}

/** True when a stream part is the final error object rather than a chunk. */
export function isChatStreamError(part: ChatStreamPart): part is OpenAIErrorBody {
  return "error" in part;
}
