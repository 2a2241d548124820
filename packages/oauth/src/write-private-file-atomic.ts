import { mkdir, open, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { getErrnoCode } from "./errno-code.js";
import { OAuthError } from "./oauth-errors.js";

function describeWriteFailure(code: string | undefined): string {
  switch (code) {
    case "ENOSPC":
      return "the disk is full";
    case "EROFS":
      return "the file system is read-only";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return code ?? "write error";
  }
}

/**
 * Writes `content` to `path` so that a crash or a failure at any moment leaves either the old or the
 * new file, readable by its owner only: folder created with mode 0700, then `write-file-atomic` (temp
 * file `<path>.<n>` in the same folder with mode 0600, fsync, rename; the temp file is removed when the
 * write fails or the process exits on a signal), then an fsync of the folder so the rename survives a
 * power loss. Throws `store_write_failed` saying why (full disk, read-only, permission) and that the
 * previous file is unchanged.
 */
export async function writePrivateFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, content, {
      mode: 0o600,
      fsync: true,
      encoding: "utf8",
      // write-file-atomic (7.0.1, and 8.0.0 too) writes with one `fs.write` and ignores how many bytes it
      // took. On a nearly full disk or under a file size limit write(2) takes part and reports success,
      // so a truncated temp file would be renamed over the good one. Writing the whole content here
      // first, in Node's loop that fails with ENOSPC/EFBIG on a short write, fails the write before the
      // rename; the library then rewrites the same bytes in place, which needs no new space.
      tmpfileCreated: async (tmpfile: string) => {
        await writeFile(tmpfile, content, { encoding: "utf8", mode: 0o600 });
      },
    });
  } catch (error) {
    throw new OAuthError(
      "store_write_failed",
      `Cannot write ${path}: ${describeWriteFailure(getErrnoCode(error))}. The previous file is unchanged.`,
      { cause: error },
    );
  }
  const dirHandle = await open(dir, "r").catch(() => null);
  if (dirHandle) {
    await dirHandle.sync().catch(() => undefined);
    await dirHandle.close();
  }
}
