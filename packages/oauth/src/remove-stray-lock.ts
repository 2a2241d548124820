import { lstat, rm } from "node:fs/promises";

/**
 * Removes `lockDir` when no live holder can own it: its lease ran out (not renewed for `staleMs`: a
 * live holder renews it every `staleMs / 2`), or its time is more than `staleMs` in the future (a holder
 * only ever sets it to "now", so such a lock would never go stale). Whatever it is: proper-lockfile
 * takes over only an empty folder whose time is in the past, so a stray file or a folder with content
 * left at that path would otherwise block every refresh until someone deletes it by hand. A lock that
 * changed between the check and the removal (renewed or just taken) is left alone.
 * Returns whether it removed something; never throws (the lock attempt that follows reports problems).
 */
export async function removeStrayLock(lockDir: string, staleMs: number): Promise<boolean> {
  try {
    const seen = await lstat(lockDir);
    const age = Date.now() - seen.mtimeMs;
    if (age <= staleMs && age >= -staleMs) return false;
    const again = await lstat(lockDir);
    if (again.ino !== seen.ino || again.mtimeMs !== seen.mtimeMs) return false;
    await rm(lockDir, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}
