import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "@cmp/core";
import type { CollectionRef } from "./base-store.js";
import { getErrnoCode } from "./errno-code.js";
import { KeyedBatcher } from "./keyed-batcher.js";
import { toFileName } from "./store-name.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

/** Runs `task` under the file lock `name` (see `EmbeddedStore.runUnderFileLock`). */
export type RunLocked = <T>(name: string, task: (assertHeld: () => void) => Promise<T>) => Promise<T>;

interface CounterEntry {
  expiresAt: number | null;
  fields: Record<string, number>;
}

interface CounterChange {
  fields: Record<string, number>;
  ttlMs: number | undefined;
}

function parseCounterFile(text: string): CounterEntry {
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed === "object" &&
    parsed !== null &&
    "v" in parsed &&
    parsed.v === 1 &&
    "expiresAt" in parsed &&
    (parsed.expiresAt === null || typeof parsed.expiresAt === "number") &&
    "fields" in parsed &&
    typeof parsed.fields === "object" &&
    parsed.fields !== null
  ) {
    const fields: Record<string, number> = {};
    for (const [field, value] of Object.entries(parsed.fields)) {
      if (typeof value === "number" && Number.isFinite(value)) fields[field] = value;
    }
    return { expiresAt: parsed.expiresAt, fields };
  }
  throw new StoreUnavailableError("A counter file is not readable as an entry of this store.");
}

function applyChange(entry: CounterEntry | undefined, change: CounterChange, now: number): CounterEntry {
  const live = entry !== undefined && (entry.expiresAt === null || entry.expiresAt > now) ? entry : undefined;
  const fields = { ...live?.fields };
  for (const [field, by] of Object.entries(change.fields)) fields[field] = (fields[field] ?? 0) + by;
  const expiresAt = change.ttlMs === undefined ? (live?.expiresAt ?? null) : now + change.ttlMs;
  return { expiresAt, fields };
}

/**
 * The counters of an embedded store. Without a folder: a map in this process. With a folder: one file
 * per counter (`<folder>/counter/<namespace>/k-<base64url key>.json`, `{"v":1,"expiresAt","fields"}`),
 * changed under the counter's file lock (read, add, atomic write), so processes on one folder never
 * lose an increment. Changes that arrive while a key's lock is held go together in the next round.
 */
export class EmbeddedCounters {
  private readonly memory = new Map<string, CounterEntry>();
  private readonly batcher: KeyedBatcher<CounterChange & { ref: CollectionRef }, Record<string, number>>;

  constructor(
    private readonly root: string | undefined,
    private readonly runLocked: RunLocked,
  ) {
    this.batcher = new KeyedBatcher((mapKey, ops) => this.flushToFile(mapKey, ops));
  }

  async increment(
    ref: CollectionRef,
    key: string,
    fields: Record<string, number>,
    ttlMs: number | undefined,
  ): Promise<Record<string, number>> {
    const mapKey = `${ref.id}:${key}`;
    if (this.root === undefined) {
      const next = applyChange(this.memory.get(mapKey), { fields, ttlMs }, Date.now());
      this.memory.set(mapKey, next);
      return { ...next.fields };
    }
    return this.batcher.add(JSON.stringify([ref.name, key]), { ref, fields, ttlMs });
  }

  async read(ref: CollectionRef, key: string): Promise<Record<string, number>> {
    const entry =
      this.root === undefined ? this.memory.get(`${ref.id}:${key}`) : await this.readFile(ref, key);
    if (entry === undefined || (entry.expiresAt !== null && entry.expiresAt <= Date.now())) return {};
    return { ...entry.fields };
  }

  private path(ref: CollectionRef, key: string): string {
    return join(this.root ?? "", "counter", ref.name, `${toFileName(key)}.json`);
  }

  private async readFile(ref: CollectionRef, key: string): Promise<CounterEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(ref, key), "utf8");
    } catch (cause) {
      if (getErrnoCode(cause) === "ENOENT") return undefined;
      throw new StoreUnavailableError(`Cannot read a counter file (${getErrnoCode(cause) ?? "error"}).`, {
        cause,
      });
    }
    try {
      return parseCounterFile(text);
    } catch (cause) {
      if (StoreUnavailableError.isInstance(cause)) throw cause;
      throw new StoreUnavailableError("A counter file is not readable as an entry of this store.", { cause });
    }
  }

  private async flushToFile(
    batchKey: string,
    ops: Array<CounterChange & { ref: CollectionRef }>,
  ): Promise<Array<Record<string, number>>> {
    const [name, key] = JSON.parse(batchKey) as [string, string];
    const ref = ops[0]?.ref ?? { name, id: name };
    return this.runLocked(`counter:${ref.id}:${key}`, async (assertHeld) => {
      let entry = await this.readFile(ref, key);
      const results: Array<Record<string, number>> = [];
      const now = Date.now();
      for (const op of ops) {
        entry = applyChange(entry, op, now);
        results.push({ ...entry.fields });
      }
      // A lease lost while reading (this process froze): another writer may be at work, so no write.
      assertHeld();
      try {
        await writeFileAtomically(
          this.path(ref, key),
          JSON.stringify({ v: 1, expiresAt: entry?.expiresAt ?? null, fields: entry?.fields ?? {} }),
        );
      } catch (cause) {
        throw new StoreUnavailableError(`Cannot write a counter file (${getErrnoCode(cause) ?? "error"}).`, {
          cause,
        });
      }
      return results;
    });
  }
}
