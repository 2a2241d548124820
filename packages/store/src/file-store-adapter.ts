import { lstat, readdir, readFile, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "@cmp/core";
import type { KeyvStoreAdapter } from "keyv";
import { getErrnoCode } from "./errno-code.js";
import { toFileName } from "./store-name.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

/** How often at most a namespace folder is swept of expired files. */
const SWEEP_EVERY_MS = 10 * 60_000;

interface FileEntry {
  v: 1;
  expiresAt: number | null;
  value: string;
}

function parseEntry(text: string): FileEntry | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "v" in parsed &&
      parsed.v === 1 &&
      "value" in parsed &&
      typeof parsed.value === "string" &&
      "expiresAt" in parsed &&
      (parsed.expiresAt === null || typeof parsed.expiresAt === "number")
    ) {
      return { v: 1, expiresAt: parsed.expiresAt, value: parsed.value };
    }
  } catch {
    // Falls through: not an entry of this store.
  }
  return null;
}

function fileError(action: string, cause: unknown): StoreUnavailableError {
  // No path or key in the message: it can reach clients through error answers.
  return new StoreUnavailableError(`Cannot ${action} a store file (${getErrnoCode(cause) ?? "error"}).`, {
    cause,
  });
}

/**
 * A Keyv store of one namespace in a folder, one file per key (`k-<base64url key>.json`, or a SHA-256
 * for long keys), mode 0600 in 0700 folders, each written atomically (`@cmp/core`'s
 * `writeFileAtomically`: temp file, fsync, rename), so a reader in any process sees the old or the new
 * value, never a mix. Expired files are dropped on read and swept at most every 10 minutes on write.
 * A file that is not an entry of this store is an error (`StoreUnavailableError`), never "absent": a
 * compare-and-set must not overwrite what it cannot read.
 */
export class FileStoreAdapter implements KeyvStoreAdapter {
  readonly opts = { dialect: "cmp-file" };
  namespace?: string;
  private lastSweep = 0;

  constructor(private readonly dir: string) {}

  /** Keyv listens for `error`; this store reports errors by rejecting instead. */
  on(): this {
    return this;
  }

  private path(key: string): string {
    return join(this.dir, `${toFileName(key)}.json`);
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), "utf8");
    } catch (cause) {
      if (getErrnoCode(cause) === "ENOENT") return undefined;
      throw fileError("read", cause);
    }
    const entry = parseEntry(text);
    if (entry === null)
      throw new StoreUnavailableError("A store file is not readable as an entry of this store.");
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return undefined;
    return entry.value as Value;
  }

  async set(key: string, value: string, ttl?: number): Promise<boolean> {
    const entry: FileEntry = {
      v: 1,
      expiresAt: typeof ttl === "number" && ttl > 0 ? Date.now() + ttl : null,
      value,
    };
    try {
      await writeFileAtomically(this.path(key), JSON.stringify(entry));
    } catch (cause) {
      throw fileError("write", cause);
    }
    if (Date.now() - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = Date.now();
      void this.sweep();
    }
    return true;
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.path(key));
      return true;
    } catch (cause) {
      if (getErrnoCode(cause) === "ENOENT") return false;
      throw fileError("delete", cause);
    }
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async clear(): Promise<void> {
    try {
      await rm(this.dir, { recursive: true, force: true });
    } catch (cause) {
      throw fileError("clear", cause);
    }
  }

  /**
   * Removes expired files. A file that changed between the read and the removal (rewritten by another
   * process) is left alone. Never throws: it is housekeeping.
   */
  async sweep(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.endsWith(".json")) continue;
      const path = join(this.dir, name);
      try {
        const before = await lstat(path);
        const entry = parseEntry(await readFile(path, "utf8"));
        if (entry?.expiresAt == null || entry.expiresAt > Date.now()) continue;
        const after = await lstat(path);
        if (after.ino !== before.ino || after.mtimeMs !== before.mtimeMs) continue;
        await unlink(path);
      } catch {
        // Gone already, or unreadable: the next read reports it.
      }
    }
  }
}
