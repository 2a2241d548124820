/**
 * Remembers which output items already reached the client through deltas, so the full text in a
 * later `.done` event or `output_item.done` is not sent twice. Backend events name an item by
 * `item_id`, by `output_index`, by both or by neither; an item is known as streamed when any of its
 * names was seen. When the two sides cannot be compared (the deltas carried only ids and the done
 * item only an index, or neither carried a name) the caller's fallback decides.
 */
export interface StreamedItems {
  /** Records that an item produced output. */
  mark(itemId: string | null | undefined, outputIndex: number | null | undefined): void;
  /** True when the item (or, if that cannot be told, any item) was already streamed. */
  has(itemId: string | null | undefined, outputIndex: number | null | undefined, fallback: boolean): boolean;
}

/** Creates an empty {@link StreamedItems}. */
export function createStreamedItems(): StreamedItems {
  const ids = new Set<string>();
  const indexes = new Set<number>();
  let anonymous = false;
  return {
    mark(itemId, outputIndex) {
      const hasIndex = outputIndex !== null && outputIndex !== undefined;
      if (itemId) ids.add(itemId);
      if (hasIndex) indexes.add(outputIndex);
      if (!itemId && !hasIndex) anonymous = true;
    },
    has(itemId, outputIndex, fallback) {
      const hasIndex = outputIndex !== null && outputIndex !== undefined;
      if (anonymous) return true;
      if (itemId && ids.has(itemId)) return true;
      if (hasIndex && indexes.has(outputIndex)) return true;
      const comparable = (itemId && ids.size > 0) || (hasIndex && indexes.size > 0);
      return comparable ? false : fallback;
    },
  };
}
