import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomically } from "@cmp/core";
import type { CollectionRef } from "./base-store.js";
import type { RunLocked } from "./embedded-counters.js";
import { getErrnoCode } from "./errno-code.js";
import { KeyedBatcher } from "./keyed-batcher.js";
import { toFileName } from "./store-name.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

interface Push {
  ref: CollectionRef;
  texts: string[];
  max: number;
}

function listError(action: string, cause: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`Cannot ${action} a list file (${getErrnoCode(cause) ?? "error"}).`, {
    cause,
  });
}

/**
 * The capped lists of an embedded store. Without a folder: an array per list in this process. With a
 * folder: one file of lines per list (`<folder>/list/<namespace>/k-<base64url key>.jsonl`, each `<max>\t<JSON>`,
 * oldest first), appended to under the list's file lock, so processes on one folder never lose a value. Writing
 * the whole list for every push would cost a full rewrite and fsync per value; instead each process
 * appends, and cuts the file back to the newest `max` lines (an atomic rewrite) on its first push and
 * after every `max` pushes of its own. A batch that alone holds `max` values or more replaces the file
 * with its newest `max` (one atomic write). A line cut short by a crash is skipped on read.
 */
export class EmbeddedLists {
  private readonly memory = new Map<string, string[]>();
  /** Pushes this process made to a list file since it last cut it back. */
  private readonly sinceCompaction = new Map<string, number>();
  private readonly batcher: KeyedBatcher<Push, undefined>;

  constructor(
    private readonly root: string | undefined,
    private readonly runLocked: RunLocked,
  ) {
    this.batcher = new KeyedBatcher((batchKey, pushes) => this.flushToFile(batchKey, pushes));
  }

  /** Pushes `texts` (oldest first) at the head of the list. */
  async push(ref: CollectionRef, key: string, texts: string[], max: number): Promise<void> {
    if (this.root === undefined) {
      const mapKey = `${ref.id}:${key}`;
      const list = texts.toReversed().concat(this.memory.get(mapKey) ?? []);
      if (list.length > max) list.length = max;
      this.memory.set(mapKey, list);
      return;
    }
    await this.batcher.add(JSON.stringify([ref.name, key]), { ref, texts, max });
  }

  async read(ref: CollectionRef, key: string, limit: number | undefined): Promise<string[]> {
    if (this.root === undefined) {
      const list = this.memory.get(`${ref.id}:${key}`) ?? [];
      return list.slice(0, limit ?? list.length);
    }
    const lines = await this.readLines(ref, key);
    const out: string[] = [];
    // The newest line's cap holds: the file may still hold older lines past it.
    let cap = limit ?? Number.POSITIVE_INFINITY;
    let capped = false;
    for (let i = lines.length - 1; i >= 0 && out.length < cap; i -= 1) {
      const entry = parseLine(lines[i] as string);
      if (entry === null) continue;
      if (!capped) {
        cap = Math.min(cap, entry.max);
        capped = true;
      }
      out.push(entry.text);
    }
    return out;
  }

  private path(ref: CollectionRef, key: string): string {
    return join(this.root ?? "", "list", ref.name, `${toFileName(key)}.jsonl`);
  }

  private async readLines(ref: CollectionRef, key: string): Promise<string[]> {
    try {
      const text = await readFile(this.path(ref, key), "utf8");
      return text.split("\n").filter((line) => line.length > 0);
    } catch (cause) {
      if (getErrnoCode(cause) === "ENOENT") return [];
      throw listError("read", cause);
    }
  }

  private async flushToFile(batchKey: string, pushes: Push[]): Promise<undefined[]> {
    const first = pushes[0] as Push;
    const [, key] = JSON.parse(batchKey) as [string, string];
    const path = this.path(first.ref, key);
    const max = (pushes[pushes.length - 1] as Push).max;
    // Each line is `<max>\t<JSON>`; each value starts on a new line, so a line left cut short by a crash
    // ends before the next one.
    const added: string[] = [];
    for (const push of pushes) for (const text of push.texts) added.push(`${push.max}\t${text}`);
    // The file text of the newest `max` of `lines` (a rewrite, whether a full batch or a cut back).
    const newest = (lines: string[]) => `\n${lines.slice(-max).join("\n")}`;
    await this.runLocked(`list:${first.ref.id}:${key}`, async (assertHeld) => {
      if (added.length >= max) {
        // The batch alone fills the list (a busy server's flush): its newest `max` values are the whole
        // list, so they replace the file in one write instead of an append, a read back and a rewrite.
        assertHeld();
        try {
          await writeFileAtomically(path, newest(added));
        } catch (cause) {
          throw listError("write", cause);
        }
        this.sinceCompaction.set(batchKey, 0);
        return;
      }
      try {
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        await appendFile(path, `\n${added.join("\n")}`, { mode: 0o600 });
      } catch (cause) {
        throw listError("append to", cause);
      }
      const pushed = (this.sinceCompaction.get(batchKey) ?? max) + added.length;
      if (pushed < max) {
        this.sinceCompaction.set(batchKey, pushed);
        return;
      }
      const lines = await this.readLines(first.ref, key);
      assertHeld();
      if (lines.length > max) {
        try {
          await writeFileAtomically(path, newest(lines));
        } catch (cause) {
          throw listError("cut back", cause);
        }
      }
      this.sinceCompaction.set(batchKey, 0);
    });
    return pushes.map(() => undefined);
  }
}

/** One line of a list file, `<max>\t<JSON>`; `null` for a line cut short or otherwise unreadable. */
function parseLine(line: string): { max: number; text: string } | null {
  const tab = line.indexOf("\t");
  if (tab < 1) return null;
  const max = Number(line.slice(0, tab));
  const text = line.slice(tab + 1);
  if (!Number.isSafeInteger(max) || max < 1) return null;
  try {
    JSON.parse(text);
    return { max, text };
  } catch {
    return null;
  }
}
