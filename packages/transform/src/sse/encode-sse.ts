import { EncodeSseError } from "./encode-sse-error.js";

/** The SSE frame that ends a Chat Completions stream. */
export const SSE_DONE = "data: [DONE]\n\n";

/** Serialises one value as an SSE `data:` frame (JSON, serialised once). */
export function encodeSse(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

const LINE_BREAK = /[\r\n]/;

/**
 * Serialises one value as a named SSE event (`event: <name>`, optionally `id: <id>`, then `data:`),
 * the Responses API framing. The data is JSON, so it never contains a line break.
 * @throws {EncodeSseError} when the name or id contains CR or LF (it would inject fields or events).
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function encodeSseEvent(name: string, value: unknown, id?: string): string {
  if (LINE_BREAK.test(name)) throw new EncodeSseError("event");
  if (id === undefined) return `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
  if (LINE_BREAK.test(id)) throw new EncodeSseError("id");
  return `event: ${name}\nid: ${id}\ndata: ${JSON.stringify(value)}\n\n`;
}
