import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OAuthError } from "./oauth-errors.js";
import { timingSafeEqualStrings } from "./pkce.js";
import {
  codexAuthFileSchema,
  convertCodexAuthFileToLogin,
  convertLoginToCodexAuthFile,
  type StoredLogin,
} from "./stored-login.js";
import type { TokenStore } from "./token-store.js";

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

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

/**
 * Reads and parses a Codex-layout `auth.json`. Returns `null` when the file does not exist; throws
 * `store_corrupt` naming the file when it is not a valid login.
 */
export async function readCodexAuthFile(path: string): Promise<StoredLogin | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return null;
    throw new OAuthError("store_read_failed", `Cannot read ${path} (${errorCode(error) ?? "read error"}).`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OAuthError(
      "store_corrupt",
      `${path} is not valid JSON. Fix it by hand, or log out and log in again to replace it.`,
    );
  }
  const parsed = codexAuthFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ");
    throw new OAuthError(
      "store_corrupt",
      `${path} does not hold a ChatGPT login (bad or missing: ${fields}). Fix it by hand, or log out and log in again to replace it.`,
    );
  }
  return convertCodexAuthFileToLogin(parsed.data);
}

/**
 * Writes `content` to `path` so that a crash at any moment leaves either the old or the new file:
 * temp file in the same folder (mode 0600), fsync, rename, fsync of the folder.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    const code = errorCode(error);
    const reason =
      code === "ENOSPC"
        ? "the disk is full"
        : code === "EROFS"
          ? "the file system is read-only"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : (code ?? "write error");
    throw new OAuthError(
      "store_write_failed",
      `Cannot write ${path}: ${reason}. The previous file is unchanged.`,
      {
        cause: error,
      },
    );
  }
  const dirHandle = await open(dir, "r").catch(() => null);
  if (dirHandle) {
    await dirHandle.sync().catch(() => undefined);
    await dirHandle.close();
  }
}

function tempPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

/** A temp file older than this is stale even if its pid looks alive (the pid may have been reused). */
const staleTempAgeMs = 10 * 60_000;
/**
 * A temp file younger than this is never touched: a write takes milliseconds, and a writer in another
 * pid namespace (a container sharing the folder) may look dead from here while it is still writing.
 */
const minTempAgeMs = 30_000;

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}

/**
 * Removes the temp files that {@link writeFileAtomic} left next to `path` when its writer died
 * mid-write (`.auth.json.<pid>.<random>.tmp`): those older than 30 s whose process no longer runs,
 * and any older than ten minutes. Temp files of live writers are left alone. Returns how many were removed; never
 * throws (cleanup is best effort).
 */
export async function removeStaleTempFiles(path: string, now: () => number = Date.now): Promise<number> {
  const dir = dirname(path);
  const pattern = tempPattern(basename(path));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const file = join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info) continue;
    const age = now() - info.mtimeMs;
    const stale = age > staleTempAgeMs || (age > minTempAgeMs && pid !== process.pid && !isProcessAlive(pid));
    if (!stale) continue;
    const gone = await unlink(file).then(
      () => true,
      () => false,
    );
    if (gone) removed += 1;
  }
  return removed;
}

/**
 * Creates a `TokenStore` on a Codex-layout `auth.json` (mode 0600, folder 0700, atomic writes). A
 * corrupt or hand-edited file gives `store_corrupt` naming the file, and `set` refuses to overwrite
 * it (see `quarantineCorrupt`). Temp files left by writers that died mid-write are removed when the
 * store is first used and before every write. Operations of one store object run one at a time; across processes,
 * the token manager locks `lockPath` while refreshing.
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
    await writeFileAtomic(path, `${JSON.stringify(convertLoginToCodexAuthFile(login), null, 2)}\n`);
  };

  return {
    path,
    lockPath: path,
    get: () => serial(() => readCodexAuthFile(path)),
    set: (login) =>
      serial(async () => {
        await readCodexAuthFile(path);
        await write(login);
      }),
    delete: () =>
      serial(async () => {
        await unlink(path).catch((error: unknown) => {
          if (errorCode(error) !== "ENOENT") {
            throw new OAuthError("store_write_failed", `Cannot delete ${path} (${errorCode(error)}).`, {
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
