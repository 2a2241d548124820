import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import { getErrnoCode } from "./errno-code.js";
import { OAuthError } from "./oauth-errors.js";

/** Releases a lock taken with {@link acquireRefreshLock}. */
export type ReleaseLock = () => Promise<void>;

/** A lock not renewed for this long belongs to a crashed process (a live holder renews it every 5 s). */
const STALE_MS = 10_000;
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

/**
 * Takes the cross-process refresh lock (`<path>.lock`, a folder created atomically). Waits up to
 * `waitMs` (default a minute) while another process holds it; a lock left by a crashed process goes
 * stale after 10 s. Any other failure (read-only or full disk, no permission) fails at once.
 */
export async function acquireRefreshLock(
  path: string,
  options: { waitMs?: number } = {},
): Promise<ReleaseLock> {
  const waitMs = options.waitMs ?? 60_000;
  const lockOptions = { realpath: false, stale: STALE_MS, onCompromised: () => undefined };
  let release: () => Promise<void>;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    release = await lockfile.lock(path, { ...lockOptions, retries: 0 }).catch(async (cause: unknown) => {
      // proper-lockfile retries whatever the error, so only a lock held by another process goes on to
      // its retries: a read-only or full disk must fail the request now, not after a minute.
      if (getErrnoCode(cause) !== "ELOCKED") throw cause;
      return lockfile.lock(path, {
        ...lockOptions,
        retries: {
          // Enough tries to fill `waitMs`; `maxRetryTime` is what ends the wait.
          retries: Math.ceil(waitMs / MAX_RETRY_DELAY_MS) + 10,
          factor: 1.3,
          minTimeout: 20,
          maxTimeout: MAX_RETRY_DELAY_MS,
          maxRetryTime: waitMs,
        },
      });
    });
  } catch (cause) {
    throw lockError(cause);
  }
  return async () => {
    await release().catch(() => undefined);
  };
}
