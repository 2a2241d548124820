/** Options of {@link computeBackoffMs}. */
export interface BackoffOptions {
  /** The first delay's ceiling, in milliseconds (default 200). */
  baseMs?: number;
  /** The largest delay, in milliseconds (default 5 000). */
  maxMs?: number;
  /** Source of randomness in [0, 1) (default `Math.random`), injectable for tests. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based): exponential from `baseMs`, with jitter between half
 * and all of it (so replicas that failed together do not retry together), capped at `maxMs`.
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 200, maxMs = 5_000, random = Math.random } = options;
  const exponent = Math.max(0, Math.min(30, Math.floor(attempt) - 1));
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
