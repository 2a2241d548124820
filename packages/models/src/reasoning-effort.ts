/** Every reasoning effort the backend is known to accept, cheapest first. */
export const REASONING_EFFORT_ORDER = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "max",
  "ultra",
] as const;

/** An effort from {@link REASONING_EFFORT_ORDER}. The catalog may name others; those are plain strings. */
export type KnownReasoningEffort = (typeof REASONING_EFFORT_ORDER)[number];

const rank = new Map<string, number>(REASONING_EFFORT_ORDER.map((effort, index) => [effort, index]));

/** Position of an effort in {@link REASONING_EFFORT_ORDER}, or `undefined` for an unknown one. */
export function effortRank(effort: string): number | undefined {
  return rank.get(effort);
}

/**
 * The supported effort nearest to `requested` in {@link REASONING_EFFORT_ORDER} (a tie goes to the
 * cheaper one). Returns `requested` itself when supported, and `null` when nothing comparable is.
 */
export function clampEffort(requested: string, supported: readonly string[]): string | null {
  if (supported.includes(requested)) return requested;
  const target = effortRank(requested);
  if (target === undefined) return null;
  let best: { effort: string; distance: number; rank: number } | null = null;
  for (const effort of supported) {
    const r = effortRank(effort);
    if (r === undefined) continue;
    const distance = Math.abs(r - target);
    if (!best || distance < best.distance || (distance === best.distance && r < best.rank)) {
      best = { effort, distance, rank: r };
    }
  }
  return best?.effort ?? null;
}
