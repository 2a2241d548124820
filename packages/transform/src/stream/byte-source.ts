/**
 * Where a body builder reads the backend's bytes. `@cmp/codex-client`'s `BodyReader` (the server's
 * cheap paused-mode reader) is one; any `ReadableStream` becomes one with {@link readableByteSource}.
 */
export interface ByteSource {
  /** The next chunk, or `null` at the end. Rejects on a read failure (connection cut, idle timeout). */
  read(): Promise<Uint8Array | null>;
  /** Stops reading and releases the connection (a no-op after the end). */
  cancel(reason?: unknown): void;
}

/** A {@link ByteSource} over a WHATWG `ReadableStream` (fetch bodies, tests). */
export function readableByteSource(stream: ReadableStream<Uint8Array>): ByteSource {
  const reader = stream.getReader();
  return {
    async read() {
      const result = await reader.read();
      return result.done ? null : result.value;
    },
    cancel(reason) {
      reader.cancel(reason).catch(() => {});
    },
  };
}
