import type { QuotaWindow } from "@cmp/codex-client";

/**
 * How new conversations are spread over the pool (`CMP_ACCOUNT_STRATEGY`):
 * - `sticky` (default): a conversation stays on its account while that account is usable (moving it
 *   throws its prompt cache away); a new one goes to the account with the most headroom in its
 *   tightest window, ties broken round-robin;
 * - `round-robin`: every request to the next usable account (no affinity: prompt caches are lost);
 * - `fill-first`: the first usable account until its limit, then the next.
 */
export type AccountStrategy = "sticky" | "round-robin" | "fill-first";

/** The strategies, for the configuration's check. */
export const ACCOUNT_STRATEGIES: readonly AccountStrategy[] = ["sticky", "round-robin", "fill-first"];

/** The latest windows the backend reported for an account (`null` until an answer carried them). */
export interface AccountWindows {
  primary: QuotaWindow | null;
  secondary: QuotaWindow | null;
}

/**
 * What is left of an account's tightest window, 0–100: 100 minus the highest used percent of its
 * windows. An account no answer has reported on yet counts as untouched (100).
 */
export function headroom(windows: AccountWindows | null | undefined): number {
  if (!windows) return 100;
  const used = Math.max(windows.primary?.usedPercent ?? 0, windows.secondary?.usedPercent ?? 0);
  return Math.max(0, 100 - used);
}

/**
 * Picks the index (in `candidates`) for a request that has no account yet. `turn` is a counter the
 * caller increments per pick, for the round-robin parts. `candidates` is never empty.
 */
export function pickNewAccount(
  strategy: AccountStrategy,
  candidates: readonly { windows: AccountWindows | null }[],
  turn: number,
): number {
  if (strategy === "fill-first") return 0;
  if (strategy === "round-robin") return turn % candidates.length;
  let best = -1;
  const tied: number[] = [];
  candidates.forEach((candidate, index) => {
    const room = headroom(candidate.windows);
    if (room > best) {
      best = room;
      tied.length = 0;
    }
    if (room === best) tied.push(index);
  });
  return tied[turn % tied.length] ?? 0;
}
