/** Decodes the chunks that end on a character boundary, for every parser (it keeps no state then). */
const wholeChunks = new TextDecoder("utf-8", { ignoreBOM: true });

/** Above this many bytes a streaming decoder is faster than the shared one for non-ASCII text. */
const WHOLE_CHUNK_MAX = 8192;

/**
 * True when no UTF-8 sequence is cut at the end of `bytes`, looking at the last three bytes: a
 * cut sequence there is a lead byte followed by fewer continuation bytes than it announces.
 */
function endsOnCharBoundary(bytes: Uint8Array): boolean {
  const last = bytes.length - 1;
  for (let i = last; i >= 0 && i > last - 3; i--) {
    const byte = bytes[i] as number;
    if (byte < 0x80) return true;
    if (byte >= 0xc0) return last - i + 1 >= (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2);
  }
  return true;
}

/**
 * UTF-8 bytes → text for one stream, as one streaming `TextDecoder` would give it (a BOM at the
 * very start dropped). A streaming decoder is slow to create and to run on small ASCII chunks, so
 * it is made only once a chunk is large or cuts a character, and used while it may hold a partial
 * character.
 */
export class Utf8Text {
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  /** The streaming decoder may hold the start of a character. */
  private carry = false;
  /** Text was produced, so a later U+FEFF is content, not a BOM. */
  private started = false;

  decode(chunk: Uint8Array): string {
    let text: string;
    if (!this.carry && chunk.length <= WHOLE_CHUNK_MAX && endsOnCharBoundary(chunk)) {
      text = wholeChunks.decode(chunk);
    } else {
      this.decoder ??= new TextDecoder("utf-8", { ignoreBOM: true });
      text = this.decoder.decode(chunk, { stream: true });
      // With four bytes or more the end of the chunk alone says whether a character is cut.
      const whole = endsOnCharBoundary(chunk);
      this.carry = chunk.length < 4 ? this.carry || !whole : !whole;
    }
    return this.started ? text : this.start(text);
  }

  /** The end of the stream: a cut character becomes U+FFFD; the next chunk starts a new stream. */
  end(): string {
    const text = this.carry && this.decoder !== null ? this.decoder.decode() : "";
    const out = this.started ? text : this.start(text);
    this.carry = false;
    this.started = false;
    return out;
  }

  private start(text: string): string {
    if (text === "") return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}
