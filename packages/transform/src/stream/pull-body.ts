import { createLineTooLongError } from "../errors/map-stream-failure.js";
import { MAX_SSE_LINE_BYTES, trailingLineBytes } from "../sse/line-bytes.js";
import type { ByteSource } from "./byte-source.js";

/** What to do with the rest of the upstream once the body has all it wants. */
export type UpstreamEnd =
  /** Keep reading: the body still needs input. */
  | false
  /** The answer is complete: read the (short) rest in the background so the keep-alive socket is reused. */
  | "drain"
  /** Stop at once and close the connection (a stop sequence: the backend would keep generating). */
  | "cancel";

/** The conversion a {@link PullBody} drives: what it does with the upstream bytes. */
export interface PullBodyHooks {
  /** Takes one chunk of upstream bytes. */
  feed(chunk: Uint8Array): void;
  /** The upstream ended: flush whatever is buffered. */
  endOfInput(): void;
  /** Whether the conversion still needs upstream input, and if not, how to let go of it. */
  upstreamEnd(): UpstreamEnd;
  /** The text ready to send, emptied by the call (`""` when there is none). */
  take(): string;
  /**
   * The closing text of the body (final chunks, an error event, `[DONE]`), emptied by the call.
   * `readError` is the reason the upstream read failed, when it did.
   */
  finish(readError: unknown): string;
  /** Called once, when the body ended or was cancelled. */
  onClose(): void;
}

const encoder = new TextEncoder();

/**
 * The one pull loop between the backend and a client: every stream builder and aggregator of this
 * package runs on it, and so does the server. Each {@link PullBody.next} reads the upstream until the
 * hooks have text to send, so one upstream read gives at most one write and a slow client slows the
 * upstream read (backpressure without buffering). A line longer than `MAX_SSE_LINE_BYTES` ends it with a
 * 502 `upstream_line_too_long` instead of being buffered. It ends when the hooks need no more input (the upstream
 * is then drained or cancelled, as they say), at the end of the upstream, or on a read failure (handed
 * to `finish`).
 */
export class PullBody {
  private closed = false;
  private ended = false;
  /** Bytes of the unfinished SSE line so far: bounded, so a line without end cannot fill the memory. */
  private lineBytes = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly hooks: PullBodyHooks,
  ) {}

  /** The next text to send, or `null` once the body is complete (or cancelled). */
  async next(): Promise<string | null> {
    while (!this.ended) {
      let chunk: Uint8Array | null;
      try {
        chunk = await this.source.read();
      } catch (readError) {
        return this.end(readError);
      }
      const text = this.consume(chunk);
      if (text !== undefined) return text;
    }
    return null;
  }

  /**
   * Drives the body into `sink`, one call per text, until it is complete: the same loop as
   * {@link PullBody.next} without a promise per text, for a writer that is usually ready (a socket).
   * The sink returns a promise only while it cannot take more (backpressure); the next upstream read
   * waits for it. `last` is true for the body's closing text (nothing follows it), so a socket writer can
   * send it together with the end of the response. When the sink throws, the body is cancelled and the
   * error propagates.
   */
  async pipeTo(sink: (text: string, last: boolean) => Promise<void> | undefined): Promise<void> {
    try {
      while (!this.ended) {
        let chunk: Uint8Array | null = null;
        let failed = false;
        let readError: unknown;
        try {
          chunk = await this.source.read();
        } catch (error) {
          failed = true;
          readError = error;
        }
        // Outside the try: an error of the hooks is not a read failure.
        const text = failed ? this.end(readError) : this.consume(chunk);
        if (typeof text === "string") {
          const pending = sink(text, this.ended);
          if (pending) await pending;
        }
      }
    } catch (error) {
      this.cancel();
      throw error;
    }
  }

  /** Reads the body to its end and returns all of its text (for aggregators and tests). */
  async text(): Promise<string> {
    let out = "";
    await this.pipeTo((text) => {
      out += text;
      return undefined;
    });
    return out;
  }

  /** Stops: the upstream is cancelled and `onClose` runs (once). */
  cancel(reason?: unknown): void {
    if (!this.ended) {
      this.ended = true;
      this.source.cancel(reason);
    }
    this.close();
  }

  /** The same body as a byte stream, for WHATWG consumers (`new Response(body.toReadableStream())`). */
  toReadableStream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const text = await this.next();
          if (text === null) controller.close();
          else controller.enqueue(encoder.encode(text));
        },
        cancel: (reason) => this.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  /**
   * One upstream read result through the hooks: the text to send, `undefined` to keep reading, or
   * `null` once the body is complete.
   */
  private consume(chunk: Uint8Array | null): string | null | undefined {
    if (this.ended) return null;
    const hooks = this.hooks;
    if (chunk === null) {
      hooks.endOfInput();
      return this.end(undefined);
    }
    this.lineBytes = trailingLineBytes(this.lineBytes, chunk);
    if (this.lineBytes > MAX_SSE_LINE_BYTES) {
      this.source.cancel();
      return this.end(createLineTooLongError(MAX_SSE_LINE_BYTES));
    }
    hooks.feed(chunk);
    const upstreamEnd = hooks.upstreamEnd();
    if (upstreamEnd !== false) {
      if (upstreamEnd === "cancel") this.source.cancel();
      else void drain(this.source);
      return this.end(undefined);
    }
    const text = hooks.take();
    return text === "" ? undefined : text;
  }

  private end(readError: unknown): string | null {
    this.ended = true;
    const text = this.hooks.finish(readError);
    this.close();
    return text === "" ? null : text;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hooks.onClose();
  }
}

async function drain(source: ByteSource): Promise<void> {
  try {
    while ((await source.read()) !== null) {
      // The answer is complete; only the end of the upstream body is left.
    }
  } catch {
    // Nothing to report: the client already has its answer.
  }
}
