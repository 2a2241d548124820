import type {
  ChatCompletion,
  ChatCompletionMessage,
  ChatStreamPart,
  ChatToolCall,
} from "../chat/chat-completion-output-api.js";
import { isChatStreamError } from "../chat/chat-completion-output-api.js";
import type { ResponsesEvent } from "../responses/responses-api.js";
import { mapUsage } from "../stream/map-usage.js";
import {
  type ChatMapperOptions,
  createResponsesToChatMapper,
  type ResponsesToChatMapper,
} from "../stream/responses-to-chat-chunks.js";

/** Options of the aggregator: the mapper's, without `includeUsage` (a completion always has usage). */
export type ChatAggregatorOptions = Omit<ChatMapperOptions, "includeUsage">;

/** Collects backend events into one `chat.completion`. */
export interface ChatCompletionAggregator {
  push(event: ResponsesEvent): void;
  /** The completion; throws the mapped `OpenAIHttpError` when the stream failed or ended early. */
  finish(): ChatCompletion;
  readonly mapper: ResponsesToChatMapper;
}

/**
 * Creates an aggregator that runs the same state machine as the stream path (stop sequences,
 * reasoning output modes, rebuilding output from `output_item.done`), so both paths agree.
 */
export function createChatCompletionAggregator(options: ChatAggregatorOptions): ChatCompletionAggregator {
  const mapper = createResponsesToChatMapper({ ...options, includeUsage: false });
  let id = options.id ?? "";
  let content = "";
  let hasContent = false;
  let refusal: string | null = null;
  let reasoning = "";
  const toolCalls: ChatToolCall[] = [];
  let functionCall: { name: string; arguments: string } | null = null;

  const take = (parts: ChatStreamPart[]): void => {
    for (const part of parts) {
      if (isChatStreamError(part)) continue;
      id = part.id;
      for (const choice of part.choices) {
        const delta = choice.delta;
        if (delta.content !== undefined) {
          content += delta.content;
          hasContent ||= delta.content !== "";
        }
        if (delta.refusal !== undefined) refusal = (refusal ?? "") + delta.refusal;
        if (delta.reasoning_content !== undefined) reasoning += delta.reasoning_content;
        if (delta.function_call) {
          functionCall ??= { name: "", arguments: "" };
          if (delta.function_call.name !== undefined) functionCall.name = delta.function_call.name;
          functionCall.arguments += delta.function_call.arguments;
        }
        for (const call of delta.tool_calls ?? []) {
          const existing = toolCalls[call.index];
          if (existing) existing.function.arguments += call.function.arguments;
          else {
            toolCalls[call.index] = {
              id: call.id ?? "",
              type: "function",
              function: { name: call.function.name ?? "", arguments: call.function.arguments },
            };
          }
        }
      }
    }
  };

  return {
    push(event) {
      take(mapper.push(event));
    },
    finish() {
      take(mapper.finish());
      if (mapper.error) throw mapper.error;
      const message: ChatCompletionMessage = {
        role: "assistant",
        content:
          hasContent || (toolCalls.length === 0 && functionCall === null && refusal === null)
            ? content
            : null,
        refusal,
        ...(reasoning !== "" ? { reasoning_content: reasoning, reasoning } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        ...(functionCall ? { function_call: functionCall } : {}),
        annotations: [],
      };
      return {
        id,
        object: "chat.completion",
        created: options.created,
        model: options.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: mapper.finishReason ?? "stop" }],
        usage: mapper.usage ?? mapUsage(null),
      };
    },
    mapper,
  };
}

/**
 * Aggregates a whole backend event sequence (array, async iterable or `ReadableStream`) into one
 * `chat.completion`. Stops reading once the answer is complete (terminal event or stop sequence).
 * @throws {OpenAIHttpError} when the stream failed or ended without `response.completed`.
 */
export async function aggregateChatCompletion(
  events: Iterable<ResponsesEvent> | AsyncIterable<ResponsesEvent>,
  options: ChatAggregatorOptions,
): Promise<ChatCompletion> {
  const aggregator = createChatCompletionAggregator(options);
  for await (const event of events) {
    aggregator.push(event);
    if (aggregator.mapper.done) break;
  }
  return aggregator.finish();
}
