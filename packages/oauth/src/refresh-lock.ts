import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import { OAuthError } from "./oauth-errors.js";

/** Releases a lock taken with {@link acquireRefreshLock}. */
export type ReleaseLock = () => Promise<void>;

/**
 * Takes the cross-process refresh lock (`<path>.lock`, a folder created atomically). Waits up to about
 * a minute for another process's refresh; a lock left by a crashed process goes stale after 30 s.
 */
export async function acquireRefreshLock(path: string): Promise<ReleaseLock> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const release = await lockfile.lock(path, {
      realpath: false,
      stale: 30_000,
      retries: { retries: 150, factor: 1.3, minTimeout: 20, maxTimeout: 400 },
      onCompromised: () => undefined,
    });
    return async () => {
      await release().catch(() => undefined);
    };
  } catch (cause) {
    throw new OAuthError("refresh_failed", `Could not lock ${path} to refresh the login; try again.`, {
      cause,
      retryable: true,
    });
  }
}
