import { readdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
}

/**
 * The temp files a writer of `name` may leave behind when it is killed mid-write: write-file-atomic's
 * `auth.json.<32-bit number>`, and the `.auth.json.<pid>.<hex>.tmp` of the hand-written writer of
 * earlier versions of this package.
 */
function tempFilePattern(name: string): RegExp {
  const escaped = escapeRegExp(name);
  return new RegExp(`^(?:${escaped}\\.\\d{1,10}|\\.${escaped}\\.\\d+\\.[0-9a-f]+\\.tmp)$`);
}

/**
 * A temp file younger than this is never touched: a write takes milliseconds, so an older one belongs
 * to a writer that died. (If a writer hangs longer, removing its temp file only makes its rename fail;
 * the file it was replacing stays as it was.)
 */
const staleTempAgeMs = 30_000;

/**
 * Removes the temp files that an atomic write of `path` left next to it when its writer was killed
 * mid-write (SIGKILL or a power loss; on other signals write-file-atomic removes them itself): those
 * older than 30 s. Younger ones may belong to a write in progress, in this process or another, and are
 * left alone. Returns how many were removed; never throws (cleanup is best effort).
 */
export async function removeStaleTempFiles(path: string, now: () => number = Date.now): Promise<number> {
  const dir = dirname(path);
  const pattern = tempFilePattern(basename(path));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const file = join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile() || now() - info.mtimeMs <= staleTempAgeMs) continue;
    const gone = await unlink(file).then(
      () => true,
      () => false,
    );
    if (gone) removed += 1;
  }
  return removed;
}
