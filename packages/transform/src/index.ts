/**
 * @module @cmp/transform
 * Pure, streaming conversions between the OpenAI APIs and the ChatGPT Codex backend, and their errors.
 * Everything here is what the server runs; internals (schemas, the mapper's helpers, usage math) are
 * not exported.
 */

export {
  type AggregateChatCompletionOptions,
  aggregateChatCompletion,
} from "./aggregate/aggregate-chat-completion.js";
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionUsage,
  ChatStreamPart,
} from "./chat/chat-completion-output-api.js";
export type { ChatCompletionRequest, ChatMessage } from "./chat/chat-completions-api.js";
export { collectSystemPrompts } from "./chat/collect-system-prompts.js";
export { parseChatCompletionRequest } from "./chat/parse-chat-completion-request.js";
export { continuesTurn } from "./convert/continues-turn.js";
export {
  type ConvertChatRequestOptions,
  type ConvertChatRequestResult,
  chatPromptCacheKey,
  convertChatRequestToResponses,
} from "./convert/convert-chat-request-to-responses.js";
export { usesLegacyFunctions } from "./convert/convert-chat-tools.js";
export {
  derivePromptCacheKey,
  type PromptCacheKeySource,
  resolvePromptCacheKey,
} from "./convert/prompt-cache-key.js";
export { isUpstreamOverload } from "./errors/is-upstream-overload.js";
export { mapStatusToErrorType } from "./errors/map-status-to-error-type.js";
export { mapStreamFailure } from "./errors/map-stream-failure.js";
export { mapUpstreamError, type UpstreamFailure } from "./errors/map-upstream-error.js";
export {
  createInvalidRequestError,
  type OpenAIErrorBody,
  OpenAIHttpError,
  type OpenAIHttpErrorOptions,
} from "./errors/openai-http-error.js";
export { mergeChatChunkStreams, mergeChatCompletions } from "./merge/merge-choices.js";
export {
  type AggregatedResponse,
  type AggregateResponseOptions,
  aggregateResponse,
} from "./responses/aggregate-response.js";
export type { ModelResolution } from "./responses/build-backend-request.js";
export {
  createResponsesPassthroughBody,
  type ResponsesPassthroughBody,
  type ResponsesPassthroughOptions,
  type ResponsesPassthroughState,
} from "./responses/create-responses-passthrough-body.js";
export { PUBLIC_RESPONSES_EVENT_TYPES } from "./responses/public-event-types.js";
export type {
  BackendRequest,
  ReasoningItem,
  ResponsesEvent,
  ResponsesUsage,
} from "./responses/responses-api.js";
export { parseResponsesEvent } from "./responses/responses-api.js";
export type { ResponsesRequest } from "./responses/responses-request-api.js";
export {
  collectResponsesSystemPrompts,
  parseResponsesRequest,
  responsesPromptCacheKey,
  type SanitizeResponsesOptions,
  type SanitizeResponsesResult,
  sanitizeResponsesRequest,
} from "./responses/sanitize-responses-request.js";

export { createSseEventStream, type SseEventStream } from "./sse/create-sse-event-stream.js";
export { encodeSse, encodeSseEvent, SSE_DONE } from "./sse/encode-sse.js";
export { EncodeSseError, type EncodeSseErrorCode } from "./sse/encode-sse-error.js";
export { type ByteSource, readableByteSource } from "./stream/byte-source.js";
export { type ChatChunkStream, createChatChunkStream } from "./stream/create-chat-chunk-stream.js";
export {
  type ChatCompletionSseBody,
  type ChatCompletionSseBodyOptions,
  createChatCompletionSseBody,
} from "./stream/create-chat-completion-sse-body.js";
export { PullBody, type PullBodyHooks, type UpstreamEnd } from "./stream/pull-body.js";
export type { ReadFailureDescriber } from "./stream/read-failure.js";
export {
  type ChatMapperOptions,
  createResponsesToChatMapper,
  type ReasoningOutput,
  type ResponsesToChatMapper,
} from "./stream/responses-to-chat-chunks.js";
