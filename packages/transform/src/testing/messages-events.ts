import { expect } from "vitest";
import { MessageAccumulator } from "../anthropic/aggregate-message.js";
import type { MessagesMessageObject, MessagesStreamEvent } from "../anthropic/messages-output-api.js";

/** Splits a Messages SSE body into `{ event, data }` frames (the `event:` name and the parsed JSON). */
export function parseMessagesSse(text: string): { event: string; data: MessagesStreamEvent }[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.trim() !== "")
    .map((frame) => {
      const lines = frame.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "";
      const data = lines.find((line) => line.startsWith("data: "))?.slice(6) ?? "null";
      return { event, data: JSON.parse(data) as MessagesStreamEvent };
    });
}

/**
 * Checks Anthropic's stream grammar: every frame named after its `type`; `message_start` then `ping`
 * first; blocks opened in index order, one at a time, each delta inside its open block; then
 * `message_delta` and `message_stop` last, or an `error` as the very last frame.
 */
export function expectMessagesGrammar(frames: readonly { event: string; data: MessagesStreamEvent }[]): void {
  for (const frame of frames) expect(frame.event).toBe(frame.data.type);
  const types = frames.map((frame) => frame.data.type);
  const errorAt = types.indexOf("error");
  if (errorAt !== -1) expect(errorAt).toBe(types.length - 1);
  const body = errorAt === -1 ? frames : frames.slice(0, -1);
  if (body.length === 0) return;
  expect(body[0]?.data.type).toBe("message_start");
  expect(body[1]?.data.type).toBe("ping");
  let open: number | null = null;
  let next = 0;
  for (const { data } of body.slice(2)) {
    if (data.type === "content_block_start") {
      expect(open).toBeNull();
      expect(data.index).toBe(next);
      open = next++;
    } else if (data.type === "content_block_delta") {
      expect(data.index).toBe(open);
    } else if (data.type === "content_block_stop") {
      expect(data.index).toBe(open);
      open = null;
    } else {
      expect(open).toBeNull();
    }
  }
  if (errorAt === -1) expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
}

/** Folds events into the message, as the SDKs' `finalMessage()` does. */
export function foldMessage(events: readonly MessagesStreamEvent[]): MessagesMessageObject | null {
  const accumulator = new MessageAccumulator();
  for (const event of events) accumulator.push(event);
  return accumulator.message;
}
