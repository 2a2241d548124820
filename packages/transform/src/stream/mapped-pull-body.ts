import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import type { ResponsesEventParser, SseParseStats } from "../sse/responses-event-parser.js";
import type { ByteSource } from "./byte-source.js";
import { PullBody } from "./pull-body.js";
import { describeReadFailure, type ReadFailureDescriber } from "./read-failure.js";

/** Options of a {@link MappedPullBody}: how the mapper's state and output become the body. */
export interface MappedPullBodyOptions<Part> {
  /**
   * The mapper's state: once it is done the rest of the upstream is drained, or cancelled after a stop
   * sequence (the backend would keep generating).
   */
  progress: { readonly done: boolean; readonly stopped: boolean };
  /** The mapper's last parts at the end of the upstream (its `finish()`); default none. */
  finish?: () => readonly Part[];
  /** What one of those last parts becomes: its text (a stream), or `""` once folded (an aggregate). */
  emit?: (part: Part) => string;
  /** The text of an upstream read failure that cut the answer (its error event); default none. */
  failureText?: (failure: OpenAIHttpError) => string;
  /** Text that closes the body after everything else (`data: [DONE]`); default none. */
  trailer?: string;
  /** Maps an upstream read failure (idle timeout, cut connection) to the client's error. */
  describeReadError?: ReadFailureDescriber | undefined;
  /** Called once, when the body ended or was cancelled. */
  onClose: () => void;
}

/**
 * A stream mapper on the pull loop: the {@link PullBody} hooks every mapped answer shares (the chat,
 * Messages and Ollama streams and their aggregates). The per-event work stays with the caller, whose
 * parser callback appends the mapper's encoded parts to {@link MappedPullBody.pending}: that keeps each
 * answer's hot loop on its own mapper and encoder.
 */
export class MappedPullBody<Part> {
  /** Text ready to send, appended to by the parser callback; emptied by each pull. */
  pending = "";
  /** The upstream read failure that cut the answer (before the mapper was done), or `null`. */
  readFailure: OpenAIHttpError | null = null;
  readonly body: PullBody;
  readonly stats: SseParseStats;

  /** `parser` makes the event parser that feeds this body (its callback appends to `pending`). */
  constructor(
    upstream: ByteSource,
    parser: (out: MappedPullBody<Part>) => ResponsesEventParser,
    options: MappedPullBodyOptions<Part>,
  ) {
    const events = parser(this);
    const progress = options.progress;
    this.stats = events.stats;
    this.body = new PullBody(upstream, {
      feed: (chunk) => events.feed(chunk),
      endOfInput: () => events.end(),
      upstreamEnd: () => (progress.done ? (progress.stopped ? "cancel" : "drain") : false),
      take: () => {
        const text = this.pending;
        this.pending = "";
        return text;
      },
      finish: (readError) => {
        if (readError !== undefined && !progress.done) {
          this.readFailure = describeReadFailure(readError, options.describeReadError);
          if (options.failureText !== undefined) this.pending += options.failureText(this.readFailure);
        } else if (options.finish !== undefined) {
          for (const part of options.finish()) this.pending += options.emit?.(part) ?? "";
        }
        const text = this.pending + (options.trailer ?? "");
        this.pending = "";
        return text;
      },
      onClose: options.onClose,
    });
  }
}
