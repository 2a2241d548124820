// Test fixture: one process of the cross-process tests. Opens an embedded store on <folder>, prints
// "ready", waits for <folder>/go (so both processes start together), then either takes the lock
// "shared" <count> times, logging "enter <pid>"/"exit <pid>" to <log> around a short pause, or
// increments the counter "counters/n" <count> times with compare-and-set ("cas"), or the counter hash
// "usage/shared" with `incrementFields` ("incr"), or pushes <count> values to the capped list
// "history/all" ("push"). Prints "done" at the end.
import { existsSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { createStore } from "../create-store.js";

const [folder, mode, countText, log] = process.argv.slice(2);
const MODES = ["lock", "cas", "incr", "push"];
if (!folder || !mode || !MODES.includes(mode) || !countText || !log) {
  throw new Error("usage: embedded-worker.ts <folder> lock|cas|incr|push <count> <log>");
}
const count = Number(countText);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const store = await createStore({ folder });
process.stdout.write("ready\n");
while (!existsSync(join(folder, "go"))) await sleep(5);

for (let i = 0; i < count; i += 1) {
  if (mode === "lock") {
    await store.withLock(
      "shared",
      async () => {
        await appendFile(log, `enter ${process.pid}\n`);
        await sleep(2 + Math.random() * 8);
        await appendFile(log, `exit ${process.pid}\n`);
      },
      { ttlMs: 10_000, waitMs: 120_000 },
    );
  } else if (mode === "incr") {
    await store.incrementFields("usage", "shared", { requests: 1, tokens: 7 });
  } else if (mode === "push") {
    await store.pushCapped("history", "all", [{ pid: process.pid, i }], 1_000);
  } else {
    const counters = store.namespace("counters");
    for (;;) {
      const current = await counters.get<number>("n");
      if (await store.compareAndSet("counters", "n", current, (current ?? 0) + 1)) break;
    }
  }
}
await store.close();
process.stdout.write("done\n");
