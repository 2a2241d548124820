import type { AbortSignalLike } from "./abort-signal-like.js";
import { CodexClientError } from "./codex-client-error.js";

/** A pull-based source of body chunks, the common shape of a Node response body and a fetch body. */
export interface ChunkSource {
  /** The next chunk, or `null` at the end. Rejects when the connection fails. */
  next(): Promise<Uint8Array | null>;
  /** Stops reading and releases the connection. */
  destroy(error?: Error): void;
}

/** The part of a Node `Readable` (an `http.IncomingMessage`) that {@link createNodeChunkSource} uses. */
export interface NodeBody {
  read(): Uint8Array | null;
  destroy(error?: Error): void;
  on(event: "readable" | "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * Wraps a Node `Readable` (an `http.IncomingMessage`) as a {@link ChunkSource}. It reads in paused mode
 * (`readable` + `read()`): one read takes everything buffered, with no async-iterator machinery per
 * chunk, and nothing is read while nobody asks, so backpressure reaches the socket.
 */
export function createNodeChunkSource(body: NodeBody): ChunkSource {
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  body.on("readable", notify);
  body.on("end", () => {
    ended = true;
    notify();
  });
  body.on("error", (error) => {
    failure ??= error;
    notify();
  });
  body.on("close", () => {
    if (!ended) failure ??= new Error("the response body closed before its end");
    notify();
  });
  const waitForData = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  return {
    async next() {
      for (;;) {
        const chunk = body.read();
        if (chunk !== null) return chunk;
        if (failure !== null) throw failure;
        if (ended) return null;
        await waitForData();
      }
    },
    destroy(error) {
      body.destroy(error);
    },
  };
}

/** Wraps a Web `ReadableStream` (a fetch body) as a {@link ChunkSource}. */
export function createWebChunkSource(body: ReadableStream<Uint8Array> | null): ChunkSource {
  if (body === null) {
    return { next: async () => null, destroy() {} };
  }
  const reader = body.getReader();
  return {
    async next() {
      const { value, done } = await reader.read();
      return done ? null : value;
    },
    destroy(error) {
      reader.cancel(error).catch(() => {});
    },
  };
}

/**
 * Reads a whole (error) body as text, keeping at most `maxBytes`. The reader's idle timeout and
 * deadline apply; a body cut, stalled or too long while reading an error keeps what arrived.
 */
export async function readBodyText(reader: BodyReader, maxBytes = 1 << 20): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  try {
    for (let chunk = await reader.read(); chunk !== null; chunk = await reader.read()) {
      size += chunk.byteLength;
      text += decoder.decode(chunk, { stream: true });
      if (size >= maxBytes) {
        reader.cancel();
        break;
      }
    }
  } catch {
    // A body cut (or timed out) while reading an error: keep what arrived.
  }
  return text + decoder.decode();
}

/** Pull-based access to a response body, the cheap alternative to its `ReadableStream`. */
export interface BodyReader {
  /**
   * The next chunk, or `null` at the end. Rejects with `upstream_idle_timeout`, `upstream_stream_error`
   * or `aborted` (a {@link CodexClientError}).
   */
  read(): Promise<Uint8Array | null>;
  /** Stops reading and closes the connection (no-op after the end). */
  cancel(reason?: unknown): void;
}

/** Options of {@link createIdleTimeoutReader}. */
export interface IdleTimeoutReaderOptions {
  /** Error a read after this long without a byte. */
  idleTimeoutMs: number;
  /** When set: error a read still waiting at this time (ms on `now`'s clock), however lively the body. */
  deadlineAt?: number | undefined;
  /** Clock of `deadlineAt` (default `Date.now`). */
  now?: (() => number) | undefined;
  signal?: AbortSignalLike | undefined;
}

/**
 * Wraps a {@link ChunkSource} so that a read errors with `upstream_idle_timeout` when no byte arrives
 * for `idleTimeoutMs` (only time spent waiting on the backend counts), with `upstream_deadline` once
 * `deadlineAt` passed (a body of keep-alive comments, or one that trickles, ends too), and with
 * `upstream_stream_error` (or `aborted` when `signal` fired) when the connection fails.
 *
 * One timer serves both limits: it is refreshed per read (cheap) while the deadline is further away
 * than the idle timeout, and set to the deadline once it is nearer.
 */
export function createIdleTimeoutReader(source: ChunkSource, options: IdleTimeoutReaderOptions): BodyReader {
  const { idleTimeoutMs, signal } = options;
  const deadlineAt = options.deadlineAt ?? Number.POSITIVE_INFINITY;
  const now = options.now ?? Date.now;
  let finished = false;
  let failure: CodexClientError | undefined;
  let timer: NodeJS.Timeout | undefined;
  // True while the timer is set to the deadline rather than the idle timeout.
  let timerIsDeadline = false;
  let rejectPending: ((error: CodexClientError) => void) | undefined;

  const finish = () => {
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
  };
  const fail = (error: CodexClientError) => {
    finish();
    failure = error;
    source.destroy(error);
  };
  const deadlineError = () =>
    new CodexClientError(
      "upstream_deadline",
      "The Codex backend did not finish its answer within the request deadline",
    );
  const onTimer = () => {
    if (rejectPending === undefined || finished) return;
    const reject = rejectPending;
    fail(
      timerIsDeadline
        ? deadlineError()
        : new CodexClientError(
            "upstream_idle_timeout",
            `The Codex backend sent nothing for ${Math.round(idleTimeoutMs / 1000)} s`,
          ),
    );
    reject(failure as CodexClientError);
  };
  const armTimer = () => {
    const left = deadlineAt - now();
    if (left > idleTimeoutMs) {
      if (timer === undefined || timerIsDeadline) {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(onTimer, idleTimeoutMs);
        timer.unref();
        timerIsDeadline = false;
      } else {
        timer.refresh();
      }
      return true;
    }
    if (left <= 0) return false;
    if (!timerIsDeadline) {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(onTimer, left);
      timer.unref();
      timerIsDeadline = true;
    }
    return true;
  };

  return {
    read() {
      if (failure !== undefined) return Promise.reject(failure);
      if (finished) return Promise.resolve(null);
      if (!armTimer()) {
        fail(deadlineError());
        return Promise.reject(failure);
      }
      return new Promise<Uint8Array | null>((resolve, reject) => {
        rejectPending = reject;
        source.next().then(
          (chunk) => {
            rejectPending = undefined;
            if (failure !== undefined) return;
            if (chunk === null) finish();
            resolve(chunk);
          },
          (cause: unknown) => {
            rejectPending = undefined;
            if (failure !== undefined) return;
            finish();
            failure = signal?.aborted
              ? new CodexClientError("aborted", "The request was cancelled", { cause })
              : new CodexClientError(
                  "upstream_stream_error",
                  "The Codex backend connection broke mid-stream",
                  {
                    cause,
                  },
                );
            reject(failure);
          },
        );
      });
    },
    cancel(reason) {
      if (finished) return;
      finish();
      source.destroy(reason instanceof Error ? reason : undefined);
    },
  };
}

/** A `ReadableStream` over a {@link BodyReader}; cancelling the stream closes the connection. */
export function createBodyStream(reader: BodyReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const chunk = await reader.read();
          if (chunk === null) controller.close();
          else controller.enqueue(chunk);
        } catch (error) {
          controller.error(error);
        }
      },
      cancel(reason) {
        reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
