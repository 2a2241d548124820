import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import { OAuthError } from "./oauth-errors.js";

/** Releases a lock taken with {@link acquireRefreshLock}. */
export type ReleaseLock = () => Promise<void>;

/** A lock not renewed for this long belongs to a crashed process (a live holder renews it every 5 s). */
const STALE_MS = 10_000;

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function lockError(cause: unknown): OAuthError {
  // No path in the message: it can reach API clients through the server's error answers.
  return new OAuthError(
    "refresh_failed",
    `Could not lock the login file to refresh it (${errorCode(cause) ?? "lock error"}); try again.`,
    { cause, retryable: true },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the cross-process refresh lock (`<path>.lock`, a folder created atomically). Waits up to
 * `waitMs` (default a minute) while another process holds it; a lock left by a crashed process goes
 * stale after 10 s. Any other failure (read-only or full disk, no permission) fails at once.
 */
export async function acquireRefreshLock(
  path: string,
  options: { waitMs?: number } = {},
): Promise<ReleaseLock> {
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw lockError(cause);
  }
  let delay = 20;
  for (;;) {
    try {
      const release = await lockfile.lock(path, {
        realpath: false,
        stale: STALE_MS,
        retries: 0,
        onCompromised: () => undefined,
      });
      return async () => {
        await release().catch(() => undefined);
      };
    } catch (cause) {
      if (errorCode(cause) !== "ELOCKED" || Date.now() >= deadline) throw lockError(cause);
      await sleep(delay);
      delay = Math.min(Math.round(delay * 1.3), 400);
    }
  }
}
