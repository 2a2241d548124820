import { spawn } from "node:child_process";
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileTokenStore } from "./file-token-store.js";
import { createMemoryTokenStore } from "./memory-token-store.js";
import { OAuthError } from "./oauth-errors.js";
import { readCodexAuthFile } from "./read-codex-auth-file.js";
import type { StoredLogin } from "./stored-login.js";
import { makeTempDir } from "./testing/test-helpers.js";

const login = (n: number): StoredLogin => ({
  idToken: `id-${n}`,
  accessToken: `at-${n}`,
  refreshToken: `rt-${n}`,
  accountId: "acc_test",
  lastRefresh: "2026-11-27T18:00:00.000Z",
});

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

describe("file token store", () => {
  it("writes the Codex auth.json layout with mode 0600 in a 0700 folder", async () => {
    const path = join(dir, "home", "auth.json");
    const store = createFileTokenStore({ path });
    expect(await store.get()).toBeNull();
    await store.set(login(1));
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({
      OPENAI_API_KEY: null,
      tokens: { id_token: "id-1", access_token: "at-1", refresh_token: "rt-1", account_id: "acc_test" },
      last_refresh: "2026-11-27T18:00:00.000Z",
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "home"))).mode & 0o777).toBe(0o700);
    expect(await store.get()).toEqual(login(1));
    expect(await readdir(join(dir, "home"))).toEqual(["auth.json"]);
  });

  it("reads a file written by the Codex CLI, extra fields included", async () => {
    const path = join(dir, "auth.json");
    await writeFile(
      path,
      JSON.stringify({
        auth_mode: "chatgpt",
        OPENAI_API_KEY: null,
        tokens: { id_token: "id-9", access_token: "at-9", refresh_token: "rt-9", account_id: null },
        last_refresh: "2026-01-01T00:00:00Z",
        agent_identity: null,
      }),
    );
    expect(await createFileTokenStore({ path }).get()).toEqual({
      idToken: "id-9",
      accessToken: "at-9",
      refreshToken: "rt-9",
      accountId: null,
      lastRefresh: "2026-01-01T00:00:00Z",
    });
  });

  it("names a corrupt file, never overwrites it silently, and can move it aside", async () => {
    const path = join(dir, "auth.json");
    await writeFile(path, '{"tokens": {"access_token": 5}');
    const store = createFileTokenStore({ path });
    await expect(store.get()).rejects.toMatchObject({
      code: "store_corrupt",
      message: expect.stringContaining(path),
    });
    await expect(store.set(login(1))).rejects.toMatchObject({ code: "store_corrupt" });
    await writeFile(path, JSON.stringify({ tokens: { access_token: "x" } }));
    await expect(store.get()).rejects.toThrow(/tokens\.refresh_token/);
    expect(await readFile(path, "utf8")).toContain('"x"');
    const moved = await store.quarantineCorrupt();
    expect(moved).toMatch(/auth\.json\.corrupt-/);
    expect(await readFile(moved ?? "", "utf8")).toContain('"x"');
    await store.set(login(2));
    expect(await store.get()).toEqual(login(2));
    expect(await store.quarantineCorrupt()).toBeNull();
  });

  it("compare-and-set writes only over the expected refresh token", async () => {
    for (const store of [createFileTokenStore({ path: join(dir, "auth.json") }), createMemoryTokenStore()]) {
      expect(await store.compareAndSet("rt-1", login(2))).toBe(false);
      await store.set(login(1));
      const before = await store.revision?.();
      expect(await store.compareAndSet("rt-0", login(2))).toBe(false);
      expect(await store.compareAndSet("rt-1", login(2))).toBe(true);
      expect(await store.get()).toEqual(login(2));
      expect(await store.revision?.()).not.toBe(before);
      await store.delete();
      await store.delete();
      expect(await store.get()).toBeNull();
    }
  });

  it("fails with a typed error and keeps the old file when the folder can't be written", async () => {
    const blocked = join(dir, "not-a-folder");
    await writeFile(blocked, "file");
    const error = await createFileTokenStore({ path: join(blocked, "auth.json") })
      .set(login(1))
      .catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("store_write_failed");
  });

  it.skipIf(process.getuid?.() === 0)("keeps the old file on a read-only folder", async () => {
    const home = join(dir, "ro");
    await mkdir(home);
    const store = createFileTokenStore({ path: join(home, "auth.json") });
    await store.set(login(1));
    await chmod(home, 0o500);
    await expect(store.set(login(2))).rejects.toMatchObject({ code: "store_write_failed" });
    await chmod(home, 0o700);
    expect(await store.get()).toEqual(login(1));
  });

  it("never leaves an unreadable auth.json when the writer is killed at random moments", async () => {
    const path = join(dir, "auth.json");
    const script = fileURLToPath(new URL("./testing/write-loop.ts", import.meta.url));
    for (let round = 0; round < 10; round++) {
      const child = spawn(process.execPath, ["--import", "tsx", script, path], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.once("data", () => resolve());
        child.once("exit", (code) => reject(new Error(`writer exited early (${code})`)));
      }).catch((error: unknown) => {
        child.kill("SIGKILL");
        throw error;
      });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 40)));
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      const stored = await readCodexAuthFile(path);
      expect(stored?.refreshToken).toMatch(/^rt-\d+$/);
      expect(stored?.accessToken).toBe(stored?.refreshToken.replace("rt-", "at-"));
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    }
    // The next process to open the store sweeps the temp files the killed writers left behind.
    const minuteLater = () => Date.now() + 60_000;
    const survivor = await createFileTokenStore({ path, now: minuteLater }).get();
    expect(survivor?.refreshToken).toMatch(/^rt-\d+$/);
    expect(await readdir(dir)).toEqual(["auth.json"]);
  }, 150_000);

  // write-file-atomic writes once and ignores a short count; under a file size limit (or on a nearly
  // full disk) that renamed a truncated file over the good one until the store wrote the whole content first.
  it("keeps the old file, whole, when the new one cannot be written in full", async () => {
    const path = join(dir, "auth.json");
    await createFileTokenStore({ path }).set(login(1));
    const before = await readFile(path, "utf8");
    const script = fileURLToPath(new URL("./testing/write-over-size-limit.ts", import.meta.url));
    const quoted = [process.execPath, "--import", "tsx", script, path].map((arg) => `'${arg}'`).join(" ");
    const child = spawn("/bin/sh", ["-c", `ulimit -f 512 && exec ${quoted}`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exitCode = await new Promise((resolve) => child.once("exit", resolve));
    expect(exitCode).toBe(0);
    expect(output.trim()).toBe("store_write_failed");
    expect(await readFile(path, "utf8")).toBe(before);
    expect(await readdir(dir)).toEqual(["auth.json"]);
  });
});
