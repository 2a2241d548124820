import { writeFileAtomically } from "@cmp/core";
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
 * Writes `content` to `path` with `@cmp/core`'s one atomic write (folder 0700, temp file 0600, fsync,
 * rename, folder fsync): a crash or a failure at any moment leaves either the old or the new file.
 * Throws `store_write_failed` saying why (full disk, read-only, permission) and that the previous file
 * is unchanged.
 */
export async function writePrivateFileAtomic(path: string, content: string): Promise<void> {
  try {
    await writeFileAtomically(path, content);
  } catch (error) {
    throw new OAuthError(
      "store_write_failed",
      `Cannot write ${path}: ${describeWriteFailure(getErrnoCode(error))}. The previous file is unchanged.`,
      { cause: error },
    );
  }
}
