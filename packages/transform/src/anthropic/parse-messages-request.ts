import { parseRequestBody } from "../chat/parse-request-body.js";
import { createInvalidRequestError } from "../errors/openai-http-error.js";
import {
  type MessagesContentBlock,
  type MessagesRequest,
  messagesCountTokensRequestSchema,
  messagesRequestSchema,
} from "./messages-request-api.js";

const NO_FILES_API =
  "there is no Files API behind this proxy, so a 'file_id' cannot be resolved; send the content inline (base64)";

/** A source this proxy cannot read: a Files API id, or a document behind a URL (the backend takes PDFs inline). */
function refuseSource(block: MessagesContentBlock, param: string): void {
  if (block.type !== "image" && block.type !== "document") return;
  const source = (block as { source?: { type?: unknown } }).source;
  if (source?.type === "file") {
    throw createInvalidRequestError(
      `${param}.source: ${NO_FILES_API}.`,
      `${param}.source`,
      "unsupported_parameter",
    );
  }
  if (block.type === "document" && source?.type === "url") {
    throw createInvalidRequestError(
      `${param}.source: documents by URL are not supported by the ChatGPT backend; send the PDF as a base64 source.`,
      `${param}.source`,
      "unsupported_parameter",
    );
  }
}

function refuseUnsupported(request: MessagesRequest): void {
  request.messages.forEach((message, i) => {
    if (typeof message.content === "string") return;
    message.content.forEach((block, j) => {
      const param = `messages.${i}.content.${j}`;
      refuseSource(block, param);
      if (block.type !== "tool_result") return;
      const content = (block as { content?: unknown }).content;
      if (!Array.isArray(content)) return;
      content.forEach((inner: MessagesContentBlock, k) => {
        refuseSource(inner, `${param}.content.${k}`);
      });
    });
  });
}

/**
 * Validates a `POST /v1/messages` body the way Anthropic does (`model`, `max_tokens` and a non-empty
 * `messages` are required; every block must match its type's shape), and refuses what the backend cannot
 * take: Files API ids and documents by URL.
 * @throws {OpenAIHttpError} 400 `invalid_request_error` naming the field (the server answers it in
 *   Anthropic's shape).
 */
export function parseMessagesRequest(body: unknown): MessagesRequest {
  const request: MessagesRequest = parseRequestBody(messagesRequestSchema, body);
  refuseUnsupported(request);
  return request;
}

/** {@link parseMessagesRequest} for `POST /v1/messages/count_tokens`, where `max_tokens` is optional. */
export function parseMessagesCountTokensRequest(body: unknown): MessagesRequest {
  const request = parseRequestBody(messagesCountTokensRequestSchema, body);
  refuseUnsupported(request);
  return request;
}
