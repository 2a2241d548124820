import type { Lease, LeaseBackend } from "./lease.js";
import { LockLostError } from "./lock-lost-error.js";
import { LockTimeoutError } from "./lock-timeout-error.js";
import type { HeldLock, LockOptions } from "./store-types.js";

/** The lease of `store.lock` when none is given. */
export const DEFAULT_LOCK_TTL_MS = 30_000;
/** How long `store.lock` waits by default. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;
const FIRST_RETRY_MS = 10;
const LONGEST_RETRY_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes `backendName` (the lock `name` as the backend keys it) from `backend`, trying again with a growing, jittered pause (10 ms to 250 ms: several
 * waiters do not retry in step) until `waitMs` has passed, then `LockTimeoutError`. The held lock's
 * `signal` aborts with a `LockLostError` when the backend reports the lease lost. `onSettled` is called
 * once when the lock is released or lost (the store's list of held locks).
 */
export async function acquireLock(
  backend: LeaseBackend,
  name: string,
  backendName: string,
  options: LockOptions,
  onSettled: (lock: HeldLock) => void,
): Promise<HeldLock> {
  const ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError("ttlMs must be a positive number");
  if (!Number.isFinite(waitMs) || waitMs < 0) throw new RangeError("waitMs must be zero or more");
  const deadline = Date.now() + waitMs;
  let delay = FIRST_RETRY_MS;
  for (;;) {
    const controller = new AbortController();
    let settled = false;
    let released = false;
    let lostError: LockLostError | undefined;
    let held: HeldLock | undefined;
    const lease: Lease | null = await backend.tryAcquire(backendName, ttlMs, (detail, cause) => {
      if (settled) return;
      settled = true;
      lostError = new LockLostError(name, detail, { cause });
      controller.abort(lostError);
      if (held) onSettled(held);
    });
    if (lease) {
      const lock: HeldLock = {
        name,
        signal: controller.signal,
        get lost() {
          return lostError !== undefined;
        },
        assertHeld() {
          if (lostError) throw lostError;
        },
        async release() {
          if (released) return;
          released = true;
          if (!settled) {
            settled = true;
            onSettled(lock);
          }
          // Also after a lost lease: the backends free only a lock that still holds this holder's
          // token, so this can only clear a leftover of ours, never someone else's lock.
          await lease.release().catch(() => undefined);
        },
      };
      held = lock;
      // A lease lost before `held` existed (impossible with the backends' timers, cheap to cover).
      if (settled) onSettled(lock);
      return lock;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new LockTimeoutError(name, waitMs);
    await sleep(Math.min(left, delay / 2 + Math.random() * delay));
    delay = Math.min(delay * 1.5, LONGEST_RETRY_MS);
  }
}

/** `store.withLock`: runs `task` under the lock and always releases it; a lost lease wins over a result. */
export async function runWithLock<T>(lock: HeldLock, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    const result = await task(lock.signal);
    lock.assertHeld();
    return result;
  } finally {
    await lock.release();
  }
}
