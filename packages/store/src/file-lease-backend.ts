import { lstat, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { getErrnoCode } from "./errno-code.js";
import type { LeaseBackend } from "./lease.js";
import { toFileName } from "./store-name.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

/** proper-lockfile refuses shorter leases (its `stale` minimum). */
export const MIN_FILE_LEASE_MS = 2_000;
/** proper-lockfile renews at most once a second. */
const MIN_FILE_RENEW_MS = 1_000;

/**
 * Locks shared by every process that uses `folder` (one `CMP_HOME`): `<folder>/locks/<name>.lock`, a
 * folder made atomically by proper-lockfile. The lease is proper-lockfile's `stale` (a lock not renewed
 * for `ttlMs` is taken over by the next process that tries) and the renewal its `update` (every
 * `ttlMs / 3`, at least 1 s); `onCompromised` (the lock folder was removed or its time changed under us)
 * is the lost lease. Every process must use the same `ttlMs` for one name, as it is the acquirer's
 * view of the lease that decides when a lock counts as abandoned.
 */
export function createFileLeaseBackend(folder: string): LeaseBackend {
  const dir = join(folder, "locks");
  return {
    async tryAcquire(name, requestedTtlMs, onLost) {
      const ttlMs = Math.max(requestedTtlMs, MIN_FILE_LEASE_MS);
      const path = join(dir, toFileName(name));
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await removeFromTheFuture(`${path}.lock`, ttlMs);
        const release = await lockfile.lock(path, {
          realpath: false,
          stale: ttlMs,
          update: Math.max(MIN_FILE_RENEW_MS, Math.floor(ttlMs / 3)),
          retries: 0,
          onCompromised: (cause) => onLost("its lock folder was removed or taken over", cause),
        });
        return { release: () => release() };
      } catch (cause) {
        if (getErrnoCode(cause) === "ELOCKED") return null;
        throw new StoreUnavailableError(
          `Cannot take a file lock in the store folder (${getErrnoCode(cause) ?? "lock error"}).`,
          { cause },
        );
      }
    },
  };
}

/**
 * A lock folder whose time is further in the future than a lease could ever be set (a clock that
 * jumped back, a copied folder) would never go stale for proper-lockfile: it would block the name for
 * good. Such a folder has no live holder (holders only set it to "now"), so it is removed.
 */
async function removeFromTheFuture(lockDir: string, ttlMs: number): Promise<void> {
  try {
    const seen = await lstat(lockDir);
    if (seen.mtimeMs - Date.now() > ttlMs) await rm(lockDir, { recursive: true, force: true });
  } catch {
    // Absent (the usual case) or unreadable: the lock attempt that follows reports real problems.
  }
}
