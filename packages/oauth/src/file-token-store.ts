import { rename, stat, unlink } from "node:fs/promises";
import { getErrnoCode } from "./errno-code.js";
import { OAuthError } from "./oauth-errors.js";
import { readCodexAuthFile } from "./read-codex-auth-file.js";
import { removeStaleTempFiles } from "./remove-stale-temp-files.js";
import { convertLoginToCodexAuthFile, type StoredLogin } from "./stored-login.js";
import { timingSafeEqualStrings } from "./timing-safe-equal.js";
import type { TokenStore } from "./token-store.js";
import { writePrivateFileAtomic } from "./write-private-file-atomic.js";

/** A `TokenStore` backed by one Codex-layout `auth.json` file. */
export interface FileTokenStore extends TokenStore {
  readonly path: string;
  readonly lockPath: string;
  /**
   * Moves an unreadable file aside to `auth.json.corrupt-<time>` and returns the new path, or `null`
   * when the file is readable or absent. Call it only after telling the user.
   */
  quarantineCorrupt(): Promise<string | null>;
}

/** Options of {@link createFileTokenStore}. */
export interface FileTokenStoreOptions {
  /** The `auth.json` path; its folder is created with mode 0700. */
  path: string;
  /** Milliseconds since the epoch, for the age of leftover temp files; default `Date.now`. */
  now?: () => number;
}

/**
 * Creates a `TokenStore` on a Codex-layout `auth.json` (mode 0600, folder 0700, atomic writes). A
 * corrupt or hand-edited file gives `store_corrupt` naming the file, and `set` refuses to overwrite
 * it (see `quarantineCorrupt`). Temp files left by writers that died mid-write are removed when the
 * store is first used and before every write. Operations of one store object run one at a time; across
 * processes, the token manager locks `lockPath` while refreshing.
 */
export function createFileTokenStore(options: FileTokenStoreOptions): FileTokenStore {
  const { path } = options;
  let queue: Promise<unknown> = Promise.resolve();
  let opened = false;
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = async () => {
      if (!opened) {
        opened = true;
        await removeStaleTempFiles(path, options.now);
      }
      return task();
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };
  const write = async (login: StoredLogin) => {
    await removeStaleTempFiles(path, options.now);
    await writePrivateFileAtomic(path, `${JSON.stringify(convertLoginToCodexAuthFile(login), null, 2)}\n`);
  };

  return {
    path,
    lockPath: path,
    get: () => serial(() => readCodexAuthFile(path)),
    set: (login) =>
      serial(async () => {
        // Throws `store_corrupt` for an unreadable file, which is never overwritten silently.
        await readCodexAuthFile(path);
        await write(login);
      }),
    delete: () =>
      serial(async () => {
        await unlink(path).catch((error: unknown) => {
          if (getErrnoCode(error) !== "ENOENT") {
            throw new OAuthError("store_write_failed", `Cannot delete ${path} (${getErrnoCode(error)}).`, {
              cause: error,
            });
          }
        });
      }),
    compareAndSet: (expectedRefreshToken, next) =>
      serial(async () => {
        const current = await readCodexAuthFile(path);
        if (!current || !timingSafeEqualStrings(current.refreshToken, expectedRefreshToken)) return false;
        await write(next);
        return true;
      }),
    async revision() {
      try {
        const info = await stat(path, { bigint: true });
        return `${info.ino}:${info.mtimeNs}:${info.size}`;
      } catch {
        return "absent";
      }
    },
    quarantineCorrupt: () =>
      serial(async () => {
        try {
          await readCodexAuthFile(path);
          return null;
        } catch (error) {
          if (!OAuthError.isInstance(error) || error.code !== "store_corrupt") throw error;
          const target = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
          await rename(path, target);
          return target;
        }
      }),
  };
}
