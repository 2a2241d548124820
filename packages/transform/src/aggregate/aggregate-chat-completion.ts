import type {
  ChatCompletion,
  ChatCompletionDelta,
  ChatCompletionMessage,
  ChatStreamPart,
  ChatToolCall,
} from "../chat/chat-completion-output-api.js";
import { isChatStreamError } from "../chat/chat-completion-output-api.js";
import type { ResponsesEvent } from "../responses/responses-api.js";
import { createResponsesEventParser } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { mapUsage } from "../stream/map-usage.js";
import { MappedPullBody } from "../stream/mapped-pull-body.js";
import type { ReadFailureDescriber } from "../stream/read-failure.js";
import {
  ChatChunkMapper,
  type ChatMapperOptions,
  type ResponsesToChatMapper,
} from "../stream/responses-to-chat-chunks.js";

/** Options of the aggregator: the mapper's, without `includeUsage` (a completion always has usage). */
export type ChatAggregatorOptions = Omit<ChatMapperOptions, "includeUsage">;

/** Collects backend events into one `chat.completion`. */
interface ChatCompletionAggregator {
  push(event: ResponsesEvent): void;
  /** The completion; throws the mapped `OpenAIHttpError` when the stream failed or ended early. */
  finish(): ChatCompletion;
  readonly mapper: ResponsesToChatMapper;
}

/** The aggregator behind {@link createChatCompletionAggregator}: the deltas are folded as they come. */
class ChatCompletionBuilder implements ChatCompletionAggregator {
  readonly mapper: ChatChunkMapper;
  private readonly model: string;
  private readonly created: number;
  private id: string;
  private content = "";
  private hasContent = false;
  private refusal: string | null = null;
  private reasoning = "";
  private toolCalls: ChatToolCall[] | null = null;
  private functionCall: { name: string; arguments: string } | null = null;

  constructor(options: ChatAggregatorOptions) {
    this.mapper = new ChatChunkMapper(options, false);
    this.model = options.model;
    this.created = options.created;
    this.id = options.id ?? "";
  }

  push(event: ResponsesEvent): void {
    this.take(this.mapper.push(event));
  }

  finish(): ChatCompletion {
    const mapper = this.mapper;
    this.take(mapper.finish());
    if (mapper.error) throw mapper.error;
    const toolCalls = this.toolCalls !== null && this.toolCalls.length > 0 ? this.toolCalls : null;
    const functionCall = this.functionCall;
    // Filled in the order clients see the keys, `annotations` last.
    const message = {
      role: "assistant",
      content:
        this.hasContent || (toolCalls === null && functionCall === null && this.refusal === null)
          ? this.content
          : null,
      refusal: this.refusal,
    } as ChatCompletionMessage;
    if (this.reasoning !== "") {
      message.reasoning_content = this.reasoning;
      message.reasoning = this.reasoning;
    }
    if (toolCalls !== null) message.tool_calls = toolCalls;
    if (functionCall !== null) message.function_call = functionCall;
    message.annotations = [];
    return {
      id: this.id,
      object: "chat.completion",
      created: this.created,
      model: this.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: mapper.finishReason ?? "stop" }],
      usage: mapper.usage ?? mapUsage(null),
    };
  }

  private take(parts: readonly ChatStreamPart[]): void {
    for (const part of parts) {
      if (isChatStreamError(part)) continue;
      this.id = part.id;
      for (const choice of part.choices) this.add(choice.delta);
    }
  }

  private add(delta: ChatCompletionDelta): void {
    if (delta.content !== undefined) {
      this.content += delta.content;
      this.hasContent ||= delta.content !== "";
    }
    if (delta.refusal !== undefined) this.refusal = (this.refusal ?? "") + delta.refusal;
    if (delta.reasoning_content !== undefined) this.reasoning += delta.reasoning_content;
    if (delta.function_call) {
      this.functionCall ??= { name: "", arguments: "" };
      if (delta.function_call.name !== undefined) this.functionCall.name = delta.function_call.name;
      this.functionCall.arguments += delta.function_call.arguments;
    }
    if (delta.tool_calls === undefined) return;
    this.toolCalls ??= [];
    const toolCalls = this.toolCalls;
    for (const call of delta.tool_calls) {
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

/** Options of {@link aggregateChatCompletion}. */
export interface AggregateChatCompletionOptions extends ChatAggregatorOptions {
  /** Called once when reading ended, with the mapper (reasoning items, usage, …). */
  onDone?: (mapper: ResponsesToChatMapper) => void;
  /** Maps an upstream read failure (idle timeout, cut connection) to the client's error. */
  describeReadError?: ReadFailureDescriber;
}

/**
 * Reads a backend SSE body into one `chat.completion` on the same pull loop and state machine as the
 * stream path (stop sequences, reasoning output modes, rebuilding output from `output_item.done`), so
 * both paths agree. Stops reading once the answer is complete: the rest of the upstream is drained after
 * a terminal event and cancelled after a stop sequence.
 * @throws {OpenAIHttpError} when the stream failed, a read failed or it ended without `response.completed`.
 */
export async function aggregateChatCompletion(
  upstream: ByteSource,
  options: AggregateChatCompletionOptions,
): Promise<ChatCompletion> {
  const aggregator = new ChatCompletionBuilder(options);
  const mapper = aggregator.mapper;
  const stream = new MappedPullBody(
    upstream,
    () =>
      createResponsesEventParser((event) => {
        if (!mapper.done) aggregator.push(event);
      }),
    {
      progress: mapper,
      describeReadError: options.describeReadError,
      onClose: () => options.onDone?.(mapper),
    },
  );
  await stream.body.text();
  if (stream.readFailure !== null) throw stream.readFailure;
  return aggregator.finish();
}
