/** What a mapper returns when a call emitted nothing; frozen, as every caller shares it. */
export const NO_PARTS: readonly never[] = Object.freeze([]);

/**
 * The parts one `push` / `finish` of a stream mapper emits. The array is made on the first part only,
 * so an event that emits nothing (most of them) allocates nothing; both stream mappers hold one, so
 * its methods see a single object shape.
 */
export class PartBatch<Part> {
  private parts: Part[] | null = null;

  /** Adds one part to the current call's output. */
  add(part: Part): void {
    if (this.parts === null) this.parts = [part];
    else this.parts.push(part);
  }

  /** The parts added since the last call (or {@link NO_PARTS}), emptying the batch. */
  take(): readonly Part[] {
    const parts = this.parts;
    this.parts = null;
    return parts ?? NO_PARTS;
  }
}
