import type { ResponsesOutputItem } from "./responses-api.js";

/**
 * The output of a Responses stream as its `response.output_item.done` events built it: the one place
 * that rebuilds `response.output` when the backend's terminal event carries it empty (the backend
 * always does: `store:false` responses list no output). Used by the non-stream aggregator and the
 * stream passthrough alike, so both answer the same `output`.
 */
export class OutputItemsCollector {
  private readonly items: Array<{ index: number; order: number; item: ResponsesOutputItem }> = [];
  private text = "";

  /** Records one `response.output_item.done` item at its `output_index` (arrival order without one). */
  addItem(outputIndex: number | null | undefined, item: ResponsesOutputItem): void {
    const order = this.items.length;
    this.items.push({ index: outputIndex ?? order, order, item });
  }

  /** Records an `output_text` delta: the fallback when a stream sent text but no finished item. */
  addText(delta: string): void {
    this.text += delta;
  }

  /** True while no item and no text was recorded. */
  get isEmpty(): boolean {
    return this.items.length === 0 && this.text === "";
  }

  /**
   * The `output` to answer: `sent` when the backend filled it, else the recorded items in
   * `output_index` order, else one assistant message of the streamed text, else `[]`.
   */
  outputFor(sent: ResponsesOutputItem[] | null | undefined): ResponsesOutputItem[] {
    if (sent && sent.length > 0) return sent;
    if (this.items.length > 0) {
      return this.items.sort((a, b) => a.index - b.index || a.order - b.order).map((entry) => entry.item);
    }
    if (this.text === "") return [];
    return [
      {
        type: "message",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: this.text, annotations: [] }],
      },
    ];
  }
}
