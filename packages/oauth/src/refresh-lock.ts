import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import { getErrnoCode } from "./errno-code.js";
import { OAuthError } from "./oauth-errors.js";
import { removeStrayLock } from "./remove-stray-lock.js";

/** Releases a lock taken with {@link acquireRefreshLock}. */
export type ReleaseLock = () => Promise<void>;

/** A lock not renewed for this long belongs to a crashed process (a live holder renews it every 5 s). */
export const LOCK_STALE_MS = 10_000;
/** The first pause between two tries while another process holds the lock. */
const MIN_RETRY_DELAY_MS = 20;
/** The longest pause between two tries while another process holds the lock. */
const MAX_RETRY_DELAY_MS = 400;

function lockError(cause: unknown): OAuthError {
  // No path in the message: it can reach API clients through the server's error answers.
  return new OAuthError(
    "refresh_failed",
    `Could not lock the login file to refresh it (${getErrnoCode(cause) ?? "lock error"}); try again.`,
    { cause, retryable: true },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the cross-process refresh lock (`<path>.lock`, a folder created atomically by
 * proper-lockfile, renewed every 5 s while held). Waits up to `waitMs` (default a minute) while another
 * process holds it. A lock whose lease ran out (not renewed for 10 s: its owner is gone), and a stray
 * `auth.json.lock` that no live holder can have made (a file, a folder with content, a time in the
 * future) are taken over before each try: proper-lockfile alone would refuse those forever. Any other
 * failure (read-only or full disk, no permission) fails at once.
 */
export async function acquireRefreshLock(
  path: string,
  options: { waitMs?: number } = {},
): Promise<ReleaseLock> {
  const waitMs = options.waitMs ?? 60_000;
  const deadline = Date.now() + waitMs;
  const lockDir = `${path}.lock`;
  let delay = MIN_RETRY_DELAY_MS;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw lockError(cause);
  }
  for (;;) {
    try {
      await removeStrayLock(lockDir, LOCK_STALE_MS);
      const release = await lockfile.lock(path, {
        realpath: false,
        stale: LOCK_STALE_MS,
        retries: 0,
        onCompromised: () => undefined,
      });
      return async () => {
        await release().catch(() => undefined);
      };
    } catch (cause) {
      // Only a lock held by another process is worth waiting for: a read-only or full disk must fail
      // the request now, not after a minute.
      if (getErrnoCode(cause) !== "ELOCKED" || Date.now() >= deadline) throw lockError(cause);
    }
    await sleep(Math.max(0, Math.min(delay, deadline - Date.now())));
    delay = Math.min(delay * 1.3, MAX_RETRY_DELAY_MS);
  }
}
