import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileTokenStore } from "./file-token-store.js";
import { removeStaleTempFiles } from "./remove-stale-temp-files.js";
import type { StoredLogin } from "./stored-login.js";
import { makeTempDir } from "./testing/test-helpers.js";

const login: StoredLogin = {
  idToken: "id-1",
  accessToken: "at-1",
  refreshToken: "rt-1",
  accountId: "acc_test",
  lastRefresh: "2026-11-27T18:00:00.000Z",
};

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

describe("removeStaleTempFiles", () => {
  it("removes the temp files of killed writers on open and before writing, and spares young ones", async () => {
    const path = join(dir, "auth.json");
    const killed = "auth.json.2863311530";
    const legacy = `.auth.json.${process.pid}.0a1b2c.tmp`;
    const young = "auth.json.1431655765";
    const unrelated = [
      "other.json.2863311530",
      "auth.json.corrupt-2026-11-27T18-00-00-000Z",
      "auth.json.bak",
    ];
    for (const name of [killed, legacy, young, ...unrelated]) await writeFile(join(dir, name), '{"half":');
    await mkdir(join(dir, "auth.json.lock"));
    const minuteAgo = new Date(Date.now() - 60_000);
    for (const name of [killed, legacy, ...unrelated, "auth.json.lock"]) {
      await utimes(join(dir, name), minuteAgo, minuteAgo);
    }

    // A write takes milliseconds: a temp file under 30 s old may belong to one in progress.
    expect(await removeStaleTempFiles(path)).toBe(2);
    const left = await readdir(dir);
    expect(left).toContain(young);
    expect(left).not.toContain(killed);
    expect(left).not.toContain(legacy);
    for (const name of [...unrelated, "auth.json.lock"]) expect(left).toContain(name);

    // The store sweeps when first used and again before each write.
    const store = createFileTokenStore({ path, now: () => Date.now() + 60_000 });
    expect(await store.get()).toBeNull();
    expect(await readdir(dir)).not.toContain(young);
    await writeFile(join(dir, killed), '{"half":');
    await store.set(login);
    expect(await readdir(dir)).not.toContain(killed);
    expect(await store.get()).toEqual(login);
  });

  it("does nothing when the folder is missing", async () => {
    expect(await removeStaleTempFiles(join(dir, "missing", "auth.json"))).toBe(0);
  });
});
