import { mkdir, open, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";

/** Options of {@link writeFileAtomically}. */
export interface WriteFileAtomicallyOptions {
  /** Mode of the file (default 0600: readable by its owner only). */
  mode?: number;
  /** Mode of the folder when it has to be created (default 0700). */
  dirMode?: number;
}

/**
 * The one atomic file write of the `@cmp/*` packages: a crash or a failure at any moment leaves either
 * the old or the new file. The folder is created if needed, then `write-file-atomic` writes a temp file
 * `<path>.<n>` in the same folder (fsync, rename; removed when the write fails or the process exits on
 * a signal), then the folder is fsynced so the rename survives a power loss. Rejects with the file
 * system's error (`ENOSPC`, `EROFS`, `EACCES`, …); the previous file is then unchanged.
 */
export async function writeFileAtomically(
  path: string,
  content: string,
  options: WriteFileAtomicallyOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  await writeFileAtomic(path, content, {
    mode,
    fsync: true,
    encoding: "utf8",
    // write-file-atomic (7.0.1, and 8.0.0 too) writes with one `fs.write` and ignores how many bytes it
    // took. On a nearly full disk or under a file size limit write(2) takes part and reports success,
    // so a truncated temp file would be renamed over the good one. Writing the whole content here
    // first, in Node's loop that fails with ENOSPC/EFBIG on a short write, fails the write before the
    // rename; the library then rewrites the same bytes in place, which needs no new space.
    tmpfileCreated: async (tmpfile: string) => {
      await writeFile(tmpfile, content, { encoding: "utf8", mode });
    },
  });
  const dirHandle = await open(dir, "r").catch(() => null);
  if (dirHandle) {
    await dirHandle.sync().catch(() => undefined);
    await dirHandle.close();
  }
}
