/**
 * Remembers which output items already reached the client through deltas, so the full text in a
 * later `.done` event or `output_item.done` is not sent twice. Backend events name an item by
 * `item_id`, by `output_index`, by both or by neither; an item is known as streamed when any of its
 * names was seen. When the two sides cannot be compared (the deltas carried only ids and the done
 * item only an index, or neither carried a name) the caller's fallback decides.
 *
 * A response usually has one item of a kind, so the first id and index are kept in fields and a
 * `Set` is only made for the second.
 */
export class StreamedItems {
  private firstId: string | null = null;
  private moreIds: Set<string> | null = null;
  private firstIndex: number | null = null;
  private moreIndexes: Set<number> | null = null;
  private anonymous = false;

  /** Records that an item produced output. */
  mark(itemId: string | null | undefined, outputIndex: number | null | undefined): void {
    const hasIndex = outputIndex !== null && outputIndex !== undefined;
    if (itemId) {
      if (this.firstId === null) this.firstId = itemId;
      else if (itemId !== this.firstId) {
        this.moreIds ??= new Set();
        this.moreIds.add(itemId);
      }
    }
    if (hasIndex) {
      if (this.firstIndex === null) this.firstIndex = outputIndex;
      else if (outputIndex !== this.firstIndex) {
        this.moreIndexes ??= new Set();
        this.moreIndexes.add(outputIndex);
      }
    }
    if (!itemId && !hasIndex) this.anonymous = true;
  }

  /** True when the item (or, if that cannot be told, any item) was already streamed. */
  has(itemId: string | null | undefined, outputIndex: number | null | undefined, fallback: boolean): boolean {
    const hasIndex = outputIndex !== null && outputIndex !== undefined;
    if (this.anonymous) return true;
    if (itemId && (itemId === this.firstId || this.moreIds?.has(itemId) === true)) return true;
    if (hasIndex && (outputIndex === this.firstIndex || this.moreIndexes?.has(outputIndex) === true)) {
      return true;
    }
    const comparable = (itemId && this.firstId !== null) || (hasIndex && this.firstIndex !== null);
    return comparable ? false : fallback;
  }
}
