import { parseRequestBody } from "../chat/parse-request-body.js";
import { createInvalidRequestError } from "../errors/openai-http-error.js";
import {
  type OllamaChatRequest,
  type OllamaGenerateRequest,
  ollamaChatRequestSchema,
  ollamaGenerateRequestSchema,
} from "./ollama-api.js";

function refuseLogprobs(request: { logprobs?: boolean | null | undefined }): void {
  if (request.logprobs === true) {
    throw createInvalidRequestError(
      "'logprobs' is not supported: the ChatGPT backend does not return token log probabilities.",
      "logprobs",
      "unsupported_parameter",
    );
  }
}

/**
 * Validates an Ollama `POST /api/chat` body.
 * @throws {OpenAIHttpError} 400 naming the field (`messages[2].images[0]`), also for `logprobs`.
 */
export function parseOllamaChatRequest(body: unknown): OllamaChatRequest {
  const request = parseRequestBody(ollamaChatRequestSchema, body);
  refuseLogprobs(request);
  return request;
}

/**
 * Validates an Ollama `POST /api/generate` body.
 * @throws {OpenAIHttpError} 400 naming the field, also for `logprobs` and a `suffix` (fill-in-the-middle,
 *   which the backend cannot do).
 */
export function parseOllamaGenerateRequest(body: unknown): OllamaGenerateRequest {
  const request = parseRequestBody(ollamaGenerateRequestSchema, body);
  refuseLogprobs(request);
  if (request.suffix) {
    throw createInvalidRequestError(
      `"${request.model}" does not support insert: the ChatGPT backend has no fill-in-the-middle.`,
      "suffix",
      "unsupported_parameter",
    );
  }
  return request;
}
