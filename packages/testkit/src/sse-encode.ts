/** One backend stream event: a JSON object with a `type`. */
export type ResponseStreamEvent = { type: string } & Record<string, unknown>;

/**
 * Encodes one event in the backend's SSE framing: `event: <type>\ndata: <json>\n\n`.
 * @see [openai/codex `codex-rs/codex-api/src/sse/responses.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/sse/responses.rs)
 */
export function encodeSseEvent(event: ResponseStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Encodes a list of events as one SSE text, in order. */
export function encodeSseEvents(events: readonly ResponseStreamEvent[]): string {
  return events.map(encodeSseEvent).join("");
}
