import type { ChatStreamPart } from "../chat/chat-completion-output-api.js";
import type { ResponsesEvent } from "../responses/responses-api.js";
import {
  type ChatMapperOptions,
  createResponsesToChatMapper,
  type ResponsesToChatMapper,
} from "./responses-to-chat-chunks.js";

/** A backend events → chat chunks stream, with its mapper exposed for `stopped`, usage, errors. */
export type ChatChunkStream = TransformStream<ResponsesEvent, ChatStreamPart> & {
  readonly mapper: ResponsesToChatMapper;
};

/**
 * Wraps {@link createResponsesToChatMapper} in a `TransformStream`. Once the mapper is done
 * (terminal event, stop sequence, error) the readable side closes and the upstream is cancelled
 * through the pipe.
 */
export function createChatChunkStream(options: ChatMapperOptions): ChatChunkStream {
  const mapper = createResponsesToChatMapper(options);
  const stream = new TransformStream<ResponsesEvent, ChatStreamPart>({
    transform(event, controller) {
      for (const part of mapper.push(event)) controller.enqueue(part);
      if (mapper.done) controller.terminate();
    },
    flush(controller) {
      for (const part of mapper.finish()) controller.enqueue(part);
    },
  });
  return Object.assign(stream, { mapper });
}
