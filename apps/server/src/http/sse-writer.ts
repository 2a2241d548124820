import type { ServerResponse } from "node:http";

/** Headers of every SSE answer; no buffering by proxies in between. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

const KEEP_ALIVE = ": keep-alive\n\n";

/**
 * Writes a Server-Sent Events answer: headers sent on the first write (so errors before any output can
 * still be a proper HTTP status), `: keep-alive` comments after `keepAliveMs` of silence, and
 * backpressure (a write returns a promise to await when the socket buffer is full).
 */
export class SseWriter {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private drainWaiter: (() => void) | undefined;
  /** Headers added when the stream starts (`x-cmp-warnings`, forwarded `x-codex-*`, …). */
  readonly headers: Record<string, string> = {};

  constructor(
    private readonly res: ServerResponse,
    private readonly keepAliveMs: number,
  ) {
    res.once("close", () => {
      this.stop();
      this.release();
    });
  }

  private release(): void {
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.();
  }

  /** True once the status line and headers went out. */
  get started(): boolean {
    return this.res.headersSent;
  }

  /** True when the client is gone or the stream ended. */
  get isClosed(): boolean {
    return this.closed || this.res.destroyed || this.res.writableEnded;
  }

  /** Starts the keep-alive timer (call when the request starts waiting on the model). */
  armKeepAlive(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setInterval(() => {
      this.write(KEEP_ALIVE);
    }, this.keepAliveMs);
    this.timer.unref();
  }

  /** Sends the 200 and SSE headers at once if not done yet (a stream that may stay silent for a while). */
  start(): void {
    if (this.res.headersSent) return;
    this.writeHead();
    this.res.flushHeaders();
  }

  /**
   * Sets the status and headers; they leave with the first write, in the same packet. It runs from the
   * keep-alive timer too, where a throw would be an uncaught exception: should Node refuse one of the
   * added headers, the stream starts with the SSE headers alone.
   */
  private writeHead(): void {
    try {
      const headers: Record<string, string> = {};
      for (const name in SSE_HEADERS) headers[name] = SSE_HEADERS[name] as string;
      for (const name in this.headers) headers[name] = this.headers[name] as string;
      this.res.writeHead(200, headers);
    } catch {
      for (const name in this.headers) this.res.removeHeader(name);
      this.res.writeHead(200, SSE_HEADERS);
    }
  }

  /**
   * Writes raw SSE text. Returns `undefined` when the socket took it, or a promise that settles once the
   * client drained its buffer (or left), so the caller stops reading upstream meanwhile.
   */
  write(text: string): Promise<void> | undefined {
    if (this.isClosed) return undefined;
    if (!this.res.headersSent) this.writeHead();
    this.timer?.refresh();
    if (this.res.write(text)) return undefined;
    if (this.drainWaiter === undefined) this.res.once("drain", () => this.release());
    return new Promise((resolve) => {
      const previous = this.drainWaiter;
      this.drainWaiter = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** Ends the response, with `done` (the closing text) as its last data when given: one write for both. */
  end(done?: string): void {
    this.stop();
    if (this.res.destroyed || this.res.writableEnded) return;
    if (!this.res.headersSent) this.writeHead();
    this.res.end(done);
  }

  private stop(): void {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
