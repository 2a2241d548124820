import type { ReasoningItem } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import type { ReasoningScope } from "../state/reasoning-cache.js";

/** The cached reasoning a request's converter may replay, and whether it replayed any. */
export interface ReasoningReplay {
  /** The converter's `lookupReasoningItems`: the items cached for a tool call, when replay is on. */
  lookup(callId: string): ReasoningItem[] | undefined;
  /** Some cached reasoning was handed to the converter (the answer then reports replayed reasoning). */
  readonly replayed: boolean;
}

/**
 * Prepares the replay of cached reasoning for one upstream attempt: with a shared store, first loads
 * the items of `callIds` (another replica may have served the turn that made these calls). With
 * `replay` off (the one resend after the backend refused replayed reasoning) nothing is looked up.
 */
export async function prepareReasoningReplay(
  app: AppContext,
  scope: ReasoningScope,
  replay: boolean,
  callIds: () => readonly string[],
): Promise<ReasoningReplay> {
  if (replay && app.reasoningCache.shared) await app.reasoningCache.load(scope, callIds());
  let replayed = false;
  return {
    lookup: (callId) => {
      if (!replay) return undefined;
      const items = app.reasoningCache.get(scope, callId);
      if (items !== undefined) replayed = true;
      return items;
    },
    get replayed() {
      return replayed;
    },
  };
}
