import type { ParsedOutputItem, ReasoningItem } from "../responses/responses-api.js";
import type { ToolCallTracker } from "./tool-call-tracker.js";

/** A summary part of a finished reasoning item, as a replayed item carries it. */
export type ReasoningSummaryPart = ReasoningItem["summary"][number];

/**
 * The encrypted reasoning items of one answer and the tool calls they preceded: what the server caches
 * so the next request can replay the reasoning with the tool results (nothing is stored upstream).
 * Shared by the stream mappers; made on first use, so an answer without reasoning or tools costs nothing.
 */
export class ReasoningMemory {
  /** Encrypted reasoning items of this answer, in order. */
  private items: ReasoningItem[] | null = null;
  private byCall: Map<string, ReasoningItem[]> | null = null;

  /**
   * Keeps a finished reasoning item, once, when it is encrypted (only those can be replayed), and
   * returns its summary parts.
   */
  record(item: Extract<ParsedOutputItem, { type: "reasoning" }>): ReasoningSummaryPart[] {
    const summary = (item.summary ?? []).map((part) => ({
      type: "summary_text" as const,
      text: part.text ?? "",
    }));
    const encrypted = item.encrypted_content;
    if (encrypted) {
      this.items ??= [];
      if (!this.items.some((r) => r.encrypted_content === encrypted)) {
        this.items.push({ type: "reasoning", summary, encrypted_content: encrypted });
      }
    }
    return summary;
  }

  /** Ties the reasoning items seen so far to a tool call, once (its `output_item.done`). */
  remember(callId: string): void {
    this.byCall ??= new Map();
    if (!this.byCall.has(callId)) this.byCall.set(callId, [...(this.items ?? [])]);
  }

  /**
   * The items keyed by the tool call ids they preceded; calls the tracker announced but whose
   * `output_item.done` never came (a stop sequence, a cut stream) get the items seen so far.
   */
  byCallId(tools: ToolCallTracker | null): Map<string, ReasoningItem[]> {
    if (tools !== null) {
      for (const callId of tools.announcedCallIds()) this.remember(callId);
    }
    return new Map(this.byCall ?? undefined);
  }
}
