import { convertMessagesRequestToResponses } from "./convert-messages-request-to-responses.js";
import type { MessagesRequest } from "./messages-request-api.js";
import { collectMessagesSystemPrompts } from "./messages-system-prompts.js";

/** Characters per token of the estimate: about 4 for English text and code with the GPT tokenizers. */
export const CHARS_PER_TOKEN = 4;
/** Tokens counted for each image: what a large image costs the model, whatever its size. */
export const TOKENS_PER_IMAGE = 1_600;

/** Adds up the text the model reads in a converted value, leaving out inline file and image data. */
function measure(value: unknown, totals: { chars: number; images: number; fileBytes: number }): void {
  if (typeof value === "string") {
    totals.chars += value.length;
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) measure(item, totals);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  if (record["type"] === "input_image") {
    totals.images++;
    return;
  }
  if (record["type"] === "input_file" && typeof record["file_data"] === "string") {
    const data = record["file_data"];
    // Decoded size of the base64 payload after the data URL's comma.
    totals.fileBytes += Math.floor(((data.length - data.indexOf(",") - 1) * 3) / 4);
    return;
  }
  for (const key in record) {
    if (key === "type" || key === "call_id" || key === "role" || key === "strict") continue;
    measure(record[key], totals);
  }
}

/**
 * An estimate of the input tokens of a Messages request, for `POST /v1/messages/count_tokens`: the
 * request is converted as it would be sent (system prompts, messages, tool calls and results, tool
 * definitions), then its text counts one token per {@link CHARS_PER_TOKEN} characters, each image
 * {@link TOKENS_PER_IMAGE}, and each inline file one token per {@link CHARS_PER_TOKEN} bytes. It is an
 * estimate, not the backend's tokenizer: the backend has no counting endpoint, and the base instructions
 * a codex-mode account adds are not counted.
 */
export function countMessagesTokens(request: MessagesRequest): { input_tokens: number } {
  const systemPrompts = collectMessagesSystemPrompts(request);
  const { value } = convertMessagesRequestToResponses(request, {
    model: { slug: request.model },
    instructions: systemPrompts.filter((prompt) => prompt.trim() !== "").join("\n\n"),
    systemMessages: "instructions",
  });
  const totals = { chars: 0, images: 0, fileBytes: 0 };
  measure(value.instructions, totals);
  measure(value.input, totals);
  if (value.tools) measure(JSON.stringify(value.tools), totals);
  const tokens =
    Math.ceil(totals.chars / CHARS_PER_TOKEN) +
    totals.images * TOKENS_PER_IMAGE +
    Math.ceil(totals.fileBytes / CHARS_PER_TOKEN);
  return { input_tokens: Math.max(1, tokens) };
}
