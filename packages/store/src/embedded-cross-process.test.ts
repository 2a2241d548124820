import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "./create-store.js";
import { runEmbeddedWorker, type Worker } from "./testing/run-worker.js";

/** Starts two workers on `folder`, waits until both are ready, lets them go, and waits for both. */
async function runTwo(folder: string, args: string[]): Promise<void> {
  const workers: Worker[] = [runEmbeddedWorker([folder, ...args]), runEmbeddedWorker([folder, ...args])];
  try {
    await Promise.all(workers.map((worker) => worker.waitFor("ready")));
    writeFileSync(join(folder, "go"), "");
    await Promise.all(workers.map((worker) => worker.waitFor("done")));
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0]);
  } finally {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.pid !== undefined) worker.child.kill("SIGKILL");
    }
  }
}

describe("embedded store shared by two processes (one folder)", () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "cmp-store-procs-"));
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("the file lock excludes two processes: their critical sections never interleave", async () => {
    const log = join(folder, "log.txt");
    writeFileSync(log, "");
    await runTwo(folder, ["lock", "25", log]);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toHaveLength(100);
    const pids = new Set<string>();
    for (let i = 0; i < lines.length; i += 2) {
      const enter = lines[i] ?? "";
      const exit = lines[i + 1] ?? "";
      expect(enter).toMatch(/^enter \d+$/);
      expect(exit).toBe(enter.replace("enter", "exit"));
      pids.add(enter);
    }
    expect(pids.size).toBe(2);
  }, 120_000);

  it("compare-and-set from two processes loses no increment", async () => {
    await runTwo(folder, ["cas", "40", join(folder, "unused")]);
    const store = await createStore({ folder });
    expect(await store.namespace("counters").get("n")).toBe(80);
    await store.close();
  }, 120_000);

  it("counter hashes and capped lists from two processes lose no change", async () => {
    await runTwo(folder, ["incr", "40", join(folder, "unused")]);
    await runTwo(folder, ["push", "30", join(folder, "unused")]);
    const store = await createStore({ folder });
    expect(await store.readCounters("usage", "shared")).toEqual({ requests: 80, tokens: 560 });
    const values = await store.readList<{ pid: number; i: number }>("history", "all");
    expect(values).toHaveLength(60);
    // Each process's own values keep their order (newest first).
    for (const pid of new Set(values.map((value) => value.pid))) {
      const mine = values.filter((value) => value.pid === pid).map((value) => value.i);
      expect(mine).toEqual(Array.from({ length: 30 }, (_, n) => 29 - n));
    }
    await store.close();
  }, 120_000);
});
