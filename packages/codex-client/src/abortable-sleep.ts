import { setTimeout as delay } from "node:timers/promises";
import type { AbortSignalLike } from "./abort-signal-like.js";
import { bridgeAbortSignal } from "./bridge-abort-signal.js";

/**
 * Waits `ms` milliseconds between retries, or rejects as soon as `signal` aborts (an `AbortError` whose
 * `cause` is the signal's reason). Built on `node:timers/promises`; only used after a failure, so the
 * bridge a lighter {@link AbortSignalLike} needs costs nothing on the happy path.
 */
export async function abortableSleep(ms: number, signal?: AbortSignalLike): Promise<void> {
  const bridge = bridgeAbortSignal(signal);
  try {
    await delay(ms, undefined, { signal: bridge.signal });
  } finally {
    bridge.release();
  }
}
