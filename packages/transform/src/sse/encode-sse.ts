const encoder = new TextEncoder();

/** The SSE frame that ends a Chat Completions stream. */
export const SSE_DONE = "data: [DONE]\n\n";

/** Serialises one value as an SSE `data:` frame (JSON, serialised once). */
export function encodeSse(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** Serialises one value as a named SSE event (`event: <name>` + `data:`), the Responses API framing. */
export function encodeSseEvent(name: string, value: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
}

/**
 * `TransformStream` from chunks (or the final error object) to SSE bytes; when the input ends it
 * writes `data: [DONE]\n\n`.
 */
export function createSseEncoderStream(): TransformStream<unknown, Uint8Array> {
  return new TransformStream<unknown, Uint8Array>({
    transform(value, controller) {
      controller.enqueue(encoder.encode(encodeSse(value)));
    },
    flush(controller) {
      controller.enqueue(encoder.encode(SSE_DONE));
    },
  });
}
