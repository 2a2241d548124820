/** Result of feeding text to a {@link StopSequenceMatcher}. */
export interface StopMatchResult {
  /** Text that is safe to emit now. */
  text: string;
  /** True when a stop sequence was found; `text` ends right before it. */
  stopped: boolean;
  /** The stop sequence that was found (set only when `stopped`). */
  sequence?: string;
}

/** Finds stop sequences across streamed text, holding back only a possible-prefix tail. */
export interface StopSequenceMatcher {
  push(text: string): StopMatchResult;
  /** Releases the held-back tail (the stream ended or was interrupted by non-text output). */
  flush(): string;
}

/**
 * Creates a matcher for OpenAI's `stop` parameter. Text is emitted as soon as it cannot be the
 * start of a stop sequence; a sequence that spans deltas is still found. The output ends before
 * the sequence that is complete first (as if generation stopped there), whatever the split.
 * Empty strings are ignored.
 */
export function createStopSequenceMatcher(stops: readonly string[]): StopSequenceMatcher {
  const sequences = stops.filter((s) => s.length > 0);
  let held = "";

  // Length of the longest suffix of `text` that is a proper prefix of some stop sequence.
  const partialTail = (text: string): number => {
    let best = 0;
    for (const stop of sequences) {
      const max = Math.min(stop.length - 1, text.length);
      for (let len = max; len > best; len--) {
        if (text.endsWith(stop.slice(0, len))) {
          best = len;
          break;
        }
      }
    }
    return best;
  };

  return {
    push(text) {
      if (sequences.length === 0) return { text, stopped: false };
      const buffer = held + text;
      // The model stops where a sequence is first complete: earliest end, then earliest start.
      let at = -1;
      let end = -1;
      let matched = "";
      for (const stop of sequences) {
        const found = buffer.indexOf(stop);
        if (found === -1) continue;
        const stopEnd = found + stop.length;
        if (at === -1 || stopEnd < end || (stopEnd === end && found < at)) {
          at = found;
          end = stopEnd;
          matched = stop;
        }
      }
      if (at !== -1) {
        held = "";
        return { text: buffer.slice(0, at), stopped: true, sequence: matched };
      }
      const keep = partialTail(buffer);
      held = buffer.slice(buffer.length - keep);
      return { text: buffer.slice(0, buffer.length - keep), stopped: false };
    },
    flush() {
      const out = held;
      held = "";
      return out;
    },
  };
}

/**
 * The matcher for a request's stop sequences (`stop` as a string or a list), or `null` when it names
 * none, so a mapper without stop sequences skips the matcher altogether.
 */
export function stopSequenceMatcherFor(
  stop: string | readonly string[] | null | undefined,
): StopSequenceMatcher | null {
  if (stop === null || stop === undefined) return null;
  if (typeof stop === "string") return createStopSequenceMatcher([stop]);
  return stop.length === 0 ? null : createStopSequenceMatcher(stop);
}
