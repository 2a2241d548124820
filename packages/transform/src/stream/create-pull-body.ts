/** What a {@link createPullBody} caller does with the upstream bytes. */
export interface PullBodyHooks {
  /** Takes one chunk of upstream bytes. */
  feed(chunk: Uint8Array): void;
  /** The upstream ended: flush whatever is buffered. */
  endOfInput(): void;
  /** True once nothing more is wanted from the upstream (terminal event, stop sequence). */
  finished(): boolean;
  /** The text ready to send, emptied by the call (`""` when there is none). */
  take(): string;
  /** The closing text of the body (final chunks, an error event, `[DONE]`), emptied by the call. */
  finish(): string;
  /** Called once, when the body ends or is cancelled. */
  onClose(): void;
}

const encoder = new TextEncoder();

/**
 * A body that pulls the upstream on demand: one upstream read → at most one write, so a slow client
 * slows the upstream read. It ends when the hooks say they are finished (the upstream is then
 * cancelled), at EOF, or on a read failure; cancelling the body cancels the upstream.
 */
export function createPullBody(
  upstream: ReadableStream<Uint8Array>,
  hooks: PullBodyHooks,
): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    hooks.onClose();
  };
  const end = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    const text = hooks.finish();
    if (text !== "") controller.enqueue(encoder.encode(text));
    controller.close();
    close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let result: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;
        try {
          result = await reader.read();
        } catch {
          end(controller);
          return;
        }
        if (result.done) {
          hooks.endOfInput();
          end(controller);
          return;
        }
        hooks.feed(result.value);
        if (hooks.finished()) {
          end(controller);
          reader.cancel().catch(() => {});
          return;
        }
        const text = hooks.take();
        if (text !== "") {
          controller.enqueue(encoder.encode(text));
          return;
        }
      }
    },
    cancel(reason) {
      close();
      return reader.cancel(reason);
    },
  });
}
