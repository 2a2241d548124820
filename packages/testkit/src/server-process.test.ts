import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runServerProcess } from "./run-server-process.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { TestkitError } from "./testkit-error.js";

const entry = fileURLToPath(new URL("./testing/fake-server-script.mjs", import.meta.url));
const started: ServerProcess[] = [];

async function start(env: Record<string, string> = {}, extra: { logFile?: string; umask?: number } = {}) {
  const server = await startServerProcess({ entry, env, startTimeoutMs: 20_000, ...extra });
  started.push(server);
  return server;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.kill()));
});

describe("startServerProcess", () => {
  it("resolves at the listening line with the URL, and stop() sends SIGTERM so the server drains", async () => {
    const server = await start({}, { umask: 0o027 });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.host).toBe("127.0.0.1");
    expect(await (await fetch(server.url)).text()).toBe("ok");
    expect(server.stderr()).toContain("args serve");
    expect(server.stderr()).toContain("umask 27");
    expect(server.isRunning()).toBe(true);
    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toContain("draining");
    expect(server.exitStatus()).toEqual(exit);
    expect(await server.stop()).toBe(exit);
  });

  it("rejects with the output when the server exits before listening", async () => {
    const error = await start({ FAKE_MODE: "exit" }).catch((e: unknown) => e);
    expect(TestkitError.isInstance(error) && error.code).toBe("TESTKIT_PROCESS_EXITED");
    expect((error as Error).message).toMatch(/^server exited \(3\)/);
    expect((error as Error).message).toContain("CMP_API_KEYS");
  });

  it("kills a server that never prints the line, and says so", async () => {
    const error = await startServerProcess({
      entry,
      env: { FAKE_MODE: "silent" },
      startTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect(TestkitError.isInstance(error) && error.code).toBe("TESTKIT_PROCESS_TIMEOUT");
  });

  it("stops the whole process group, grandchildren included", async () => {
    const server = await start({ FAKE_MODE: "grandchild" });
    const grandchild = Number(/grandchild (\d+)/.exec(server.stdout())?.[1]);
    expect(alive(grandchild)).toBe(true);
    await server.kill();
    for (let i = 0; i < 100 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(grandchild)).toBe(false);
  });

  it("can send the output to a log file and still find the listening line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "testkit-log-"));
    try {
      const logFile = join(dir, "server.log");
      const server = await start({}, { logFile });
      expect(server.output()).toMatch(/^args serve/);
      await server.stop();
      expect(await readFile(logFile, "utf8")).toContain("draining");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("runServerProcess", () => {
  it("runs to the end and returns the exit and both streams", async () => {
    const run = await runServerProcess({ entry, env: { FAKE_MODE: "exit" } });
    expect(run).toMatchObject({ code: 3, signal: null, stdout: "", timedOut: false });
    expect(run.stderr).toContain("CMP_API_KEYS");
  });

  it("kills a run that does not end in time", async () => {
    const run = await runServerProcess({ entry, env: { FAKE_MODE: "silent" }, timeoutMs: 1_000 });
    expect(run).toMatchObject({ code: null, signal: "SIGKILL", timedOut: true });
  });
});
