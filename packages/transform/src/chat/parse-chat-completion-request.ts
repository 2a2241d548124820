import { createInvalidRequestError } from "../errors/openai-http-error.js";
import { type ChatCompletionRequest, chatCompletionRequestSchema } from "./chat-completions-api.js";
import { createErrorFromZodIssue } from "./create-error-from-zod-issue.js";

function refuseUnsupported(request: ChatCompletionRequest): void {
  if (request.logprobs === true) {
    throw createInvalidRequestError(
      "'logprobs' is not supported: the ChatGPT backend does not return token log probabilities.",
      "logprobs",
      "unsupported_parameter",
    );
  }
  if (request.top_logprobs !== null && request.top_logprobs !== undefined) {
    throw createInvalidRequestError(
      "'top_logprobs' is not supported: the ChatGPT backend does not return token log probabilities.",
      "top_logprobs",
      "unsupported_parameter",
    );
  }
  if (request.modalities?.includes("audio")) {
    throw createInvalidRequestError(
      "Audio output is not supported: the ChatGPT backend only produces text, so 'modalities' may only contain \"text\".",
      "modalities",
      "unsupported_parameter",
    );
  }
  if (request.audio !== null && request.audio !== undefined) {
    throw createInvalidRequestError(
      "Audio output is not supported: the ChatGPT backend only produces text, so 'audio' cannot be honoured.",
      "audio",
      "unsupported_parameter",
    );
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
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw createInvalidRequestError("The request body must be a JSON object.", null, "invalid_json");
  }
  const result = chatCompletionRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (!issue) throw createInvalidRequestError("Invalid request body.");
    throw createErrorFromZodIssue(issue, body);
  }
  refuseUnsupported(result.data);
  return result.data;
}
