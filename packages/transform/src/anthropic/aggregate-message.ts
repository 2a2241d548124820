import { createStreamIncompleteError } from "../errors/map-stream-failure.js";
import { createResponsesEventParser } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { MappedPullBody } from "../stream/mapped-pull-body.js";
import type { ReadFailureDescriber } from "../stream/read-failure.js";
import type {
  MessagesMessageObject,
  MessagesOutputBlock,
  MessagesStreamEvent,
} from "./messages-output-api.js";
import {
  MessagesEventMapper,
  type MessagesMapperOptions,
  type MessagesStreamMapper,
} from "./messages-stream-mapper.js";

/** Parses a tool call's streamed arguments; arguments that are not a JSON object stay as they came, under `input`. */
function parseInput(json: string): unknown {
  if (json.trim() === "") return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return { input: json };
  }
}

/**
 * Folds Messages stream events into the `message` object, the way the SDKs' `MessageStream` builds
 * `finalMessage()`: blocks by index, text and thinking appended, the signature set, tool input parsed from
 * its JSON fragments at the block's end, stop reason and usage from `message_delta`.
 */
export class MessageAccumulator {
  message: MessagesMessageObject | null = null;
  private readonly json = new Map<number, string>();

  push(event: MessagesStreamEvent): void {
    switch (event.type) {
      case "message_start":
        this.message = { ...event.message, content: [] };
        return;
      case "content_block_start":
        this.message?.content.push({ ...event.content_block });
        return;
      case "content_block_delta": {
        const block = this.message?.content[event.index];
        if (block === undefined) return;
        this.applyDelta(block, event);
        return;
      }
      case "content_block_stop": {
        const block = this.message?.content[event.index];
        const json = this.json.get(event.index);
        if (block?.type === "tool_use" && json !== undefined) block.input = parseInput(json);
        return;
      }
      case "message_delta":
        if (this.message === null) return;
        this.message.stop_reason = event.delta.stop_reason;
        this.message.stop_sequence = event.delta.stop_sequence;
        this.message.usage = event.usage;
        return;
      default:
        return;
    }
  }

  private applyDelta(
    block: MessagesOutputBlock,
    event: Extract<MessagesStreamEvent, { type: "content_block_delta" }>,
  ): void {
    const delta = event.delta;
    switch (delta.type) {
      case "text_delta":
        if (block.type === "text") block.text += delta.text;
        return;
      case "thinking_delta":
        if (block.type === "thinking") block.thinking += delta.thinking;
        return;
      case "signature_delta":
        if (block.type === "thinking") block.signature = delta.signature;
        return;
      case "input_json_delta":
        this.json.set(event.index, (this.json.get(event.index) ?? "") + delta.partial_json);
        return;
      default: {
        const _exhaustive: never = delta;
        return;
      }
    }
  }
}

/** Options of {@link aggregateMessage}. */
export interface AggregateMessageOptions extends MessagesMapperOptions {
  /** Called once when reading ended, with the mapper (usage, reasoning items, …). */
  onDone?: (mapper: MessagesStreamMapper) => void;
  /** Maps an upstream read failure (idle timeout, cut connection) to the client's error. */
  describeReadError?: ReadFailureDescriber;
}

/**
 * Reads a backend SSE body into one Messages API `message` for a non-streaming request, on the same
 * pull loop and state machine as the stream (stop sequences, thinking blocks, tool input), folded by
 * {@link MessageAccumulator}: the message equals what the stream would have carried.
 * @throws {OpenAIHttpError} when the stream failed, a read failed or it ended without a terminal event.
 */
export async function aggregateMessage(
  upstream: ByteSource,
  options: AggregateMessageOptions,
): Promise<MessagesMessageObject> {
  const mapper = new MessagesEventMapper(options);
  const accumulator = new MessageAccumulator();
  const stream = new MappedPullBody(
    upstream,
    () =>
      createResponsesEventParser((event) => {
        if (mapper.done) return;
        for (const part of mapper.push(event)) accumulator.push(part);
      }),
    {
      progress: mapper,
      finish: () => mapper.finish(),
      emit: (part) => {
        accumulator.push(part);
        return "";
      },
      describeReadError: options.describeReadError,
      onClose: () => options.onDone?.(mapper),
    },
  );
  await stream.body.text();
  if (stream.readFailure !== null) throw stream.readFailure;
  if (mapper.error !== null) throw mapper.error;
  // A mapper that is done without an error has started the message; this only guards the type.
  if (accumulator.message === null) throw createStreamIncompleteError();
  return accumulator.message;
}
