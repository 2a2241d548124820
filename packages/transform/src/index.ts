/** @module @cmp/transform */
export {
  type AggregateChatCompletionOptions,
  aggregateChatCompletion,
  type ChatAggregatorOptions,
} from "./aggregate/aggregate-chat-completion.js";
export {
  type ChatCompletion,
  type ChatCompletionChoice,
  type ChatCompletionChunk,
  type ChatCompletionChunkChoice,
  type ChatCompletionDelta,
  type ChatCompletionMessage,
  type ChatCompletionUsage,
  type ChatFinishReason,
  type ChatStreamPart,
  type ChatToolCall,
  type ChatToolCallDelta,
  isChatStreamError,
} from "./chat/chat-completion-output-api.js";
export {
  type ChatCompletionRequest,
  type ChatMessage,
  chatCompletionRequestSchema,
  isValidImageUrl,
} from "./chat/chat-completions-api.js";
export { collectSystemPrompts } from "./chat/collect-system-prompts.js";
export { parseChatCompletionRequest } from "./chat/parse-chat-completion-request.js";
export {
  type ConvertChatRequestOptions,
  type ConvertChatRequestResult,
  convertChatRequestToResponses,
} from "./convert/convert-chat-request-to-responses.js";
export { usesLegacyFunctions } from "./convert/convert-chat-tools.js";
export { derivePromptCacheKey } from "./convert/prompt-cache-key.js";
export { mapStatusToErrorType } from "./errors/map-status-to-error-type.js";
export {
  createStreamIncompleteError,
  mapStreamFailure,
  type StreamFailureEvent,
} from "./errors/map-stream-failure.js";
export { mapUpstreamError, type UpstreamFailure } from "./errors/map-upstream-error.js";
export {
  createInvalidRequestError,
  type OpenAIErrorBody,
  type OpenAIErrorObject,
  OpenAIHttpError,
  type OpenAIHttpErrorOptions,
} from "./errors/openai-http-error.js";
export {
  type MergeChunkStreamsOptions,
  mergeChatChunkStreams,
  mergeChatCompletions,
  reindexChunk,
} from "./merge/merge-choices.js";
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
export {
  type BackendRequest,
  type BackendRequestOf,
  type ParsedOutputItem,
  parseOutputItem,
  parseResponsesEvent,
  type ReasoningItem,
  type ResponsesEvent,
  type ResponsesEventOf,
  type ResponsesEventType,
  type ResponsesInputContent,
  type ResponsesInputItem,
  type ResponsesTool,
  type ResponsesToolChoice,
  type ResponsesUsage,
} from "./responses/responses-api.js";
export { type ResponsesRequest, responsesRequestSchema } from "./responses/responses-request-api.js";
export {
  collectResponsesSystemPrompts,
  parseResponsesRequest,
  type SanitizeResponsesOptions,
  type SanitizeResponsesResult,
  sanitizeResponsesRequest,
} from "./responses/sanitize-responses-request.js";
export { createSseEventStream, type SseEventStream } from "./sse/create-sse-event-stream.js";
export { createChatChunkEncoder } from "./sse/encode-chat-chunk.js";
export { createSseEncoderStream, encodeSse, encodeSseEvent, SSE_DONE } from "./sse/encode-sse.js";
export { EncodeSseError, type EncodeSseErrorCode } from "./sse/encode-sse-error.js";
export {
  createResponsesEventParser,
  type ResponsesEventParser,
  type SseParseStats,
} from "./sse/responses-event-parser.js";
export { type ByteSource, readableByteSource } from "./stream/byte-source.js";
export { type ChatChunkStream, createChatChunkStream } from "./stream/create-chat-chunk-stream.js";
export {
  type ChatCompletionSseBody,
  type ChatCompletionSseBodyOptions,
  createChatCompletionSseBody,
} from "./stream/create-chat-completion-sse-body.js";
export { mapUsage, sumUsage } from "./stream/map-usage.js";
export { PullBody, type PullBodyHooks, type UpstreamEnd } from "./stream/pull-body.js";
export { describeReadFailure, type ReadFailureDescriber } from "./stream/read-failure.js";
export {
  type ChatMapperOptions,
  createResponsesToChatMapper,
  type ReasoningOutput,
  type ResponsesToChatMapper,
} from "./stream/responses-to-chat-chunks.js";
export { createStopSequenceMatcher, type StopSequenceMatcher } from "./stream/stop-sequence-matcher.js";
