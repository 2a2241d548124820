import { createInvalidRequestError } from "../errors/openai-http-error.js";
import { type ChatCompletionRequest, chatCompletionRequestSchema } from "./chat-completions-api.js";
import { parseRequestBody } from "./parse-request-body.js";

/** Top-level fields the backend cannot honour, refused the way OpenAI refuses an unsupported parameter. */
const unsupportedFields: readonly {
  param: keyof ChatCompletionRequest;
  isSet: (request: ChatCompletionRequest) => boolean;
  message: string;
}[] = [
  {
    param: "logprobs",
    isSet: (request) => request.logprobs === true,
    message: "'logprobs' is not supported: the ChatGPT backend does not return token log probabilities.",
  },
  {
    param: "top_logprobs",
    isSet: (request) => request.top_logprobs !== null && request.top_logprobs !== undefined,
    message: "'top_logprobs' is not supported: the ChatGPT backend does not return token log probabilities.",
  },
  {
    param: "modalities",
    isSet: (request) => request.modalities?.includes("audio") === true,
    message:
      "Audio output is not supported: the ChatGPT backend only produces text, so 'modalities' may only contain \"text\".",
  },
  {
    param: "audio",
    isSet: (request) => request.audio !== null && request.audio !== undefined,
    message:
      "Audio output is not supported: the ChatGPT backend only produces text, so 'audio' cannot be honoured.",
  },
];

function refuseUnsupported(request: ChatCompletionRequest): void {
  for (const { param, isSet, message } of unsupportedFields) {
    if (isSet(request)) throw createInvalidRequestError(message, param, "unsupported_parameter");
  }
  request.messages.forEach((message, i) => {
    if (message.role !== "user" || typeof message.content === "string") return;
    message.content.forEach((part, j) => {
      const param = `messages[${i}].content[${j}]`;
      if (part.type === "input_audio") {
        throw createInvalidRequestError(
          "Audio input is not supported: the ChatGPT backend accepts text and images only.",
          param,
          "unsupported_parameter",
        );
      }
      if (part.type === "file" && !part.file.file_data) {
        throw createInvalidRequestError(
          "File parts need inline 'file_data': there is no Files API behind this proxy, so 'file_id' cannot be resolved.",
          `${param}.file`,
          "unsupported_parameter",
        );
      }
    });
  });
}

/**
 * Validates a Chat Completions body the way OpenAI does.
 * @throws {OpenAIHttpError} 400 `invalid_request_error` whose `param` names the field
 *   (`messages[3].content[1].image_url`), also for features the backend cannot honour
 *   (`logprobs`, `top_logprobs`, audio output or input).
 */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  const request = parseRequestBody(chatCompletionRequestSchema, body);
  refuseUnsupported(request);
  return request;
}
