import type { ServerResponse } from "node:http";
import { SseWriter } from "../http/sse-writer.js";

/**
 * The writer of an Ollama stream: the SSE writer's head, backpressure and end, but the answer is
 * NDJSON (`application/x-ndjson`) and its keep-alive is a line every Ollama client can parse (an empty
 * piece of the answer), since the Go and Python clients fail on an SSE comment or an empty line.
 */
export class OllamaNdjsonWriter extends SseWriter {
  private keepAliveTimer: NodeJS.Timeout | undefined;

  constructor(
    res: ServerResponse,
    private readonly intervalMs: number,
    private readonly keepAliveLine: () => string,
  ) {
    super(res, intervalMs);
    this.headers["content-type"] = "application/x-ndjson";
    res.once("close", () => this.stopKeepAlive());
  }

  /** Starts the keep-alive lines (after `intervalMs` of silence). */
  override armKeepAlive(): void {
    if (this.keepAliveTimer !== undefined || this.isClosed) return;
    this.keepAliveTimer = setInterval(() => {
      this.write(this.keepAliveLine());
    }, this.intervalMs);
    this.keepAliveTimer.unref();
  }

  /** Writes NDJSON lines; the keep-alive waits another interval. */
  override write(text: string): Promise<void> | undefined {
    this.keepAliveTimer?.refresh();
    return super.write(text);
  }

  /** Ends the answer (with its last lines when given) and the keep-alives. */
  override end(done?: string): void {
    this.stopKeepAlive();
    super.end(done);
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer !== undefined) clearInterval(this.keepAliveTimer);
  }
}
