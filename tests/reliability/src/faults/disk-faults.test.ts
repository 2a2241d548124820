import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { errorCodeOf, postChat } from "../harness/chat-request.js";
import { chownTree, fillDisk, tryMountTmpfs, unmount, unprivilegedUser } from "../harness/disk-tools.js";
import { type ProxyFixture, type ProxyFixtureOptions, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkReply } from "../harness/reply-check.js";
import { recordCategory } from "../summary.js";

let fixture: ProxyFixture | undefined;
let mounted: string | undefined;
let tried = 0;
let failed = 0;

async function start(options: ProxyFixtureOptions): Promise<ProxyFixture> {
  fixture = await startProxyFixture(options);
  return fixture;
}

afterEach(async () => {
  if (fixture) chmodSync(fixture.home, 0o700);
  if (fixture && mounted) {
    await fixture.server.stop();
    fixture.secrets.addFromDataDir(mounted);
    unmount(mounted);
  }
  const leaks = await fixture?.close();
  fixture = undefined;
  mounted = undefined;
  expect(leaks ?? []).toEqual([]);
});

function fault(name: string, body: () => Promise<void>, timeoutMs = 90_000): void {
  it(
    name,
    async () => {
      tried += 1;
      try {
        await body();
      } catch (error) {
        failed += 1;
        throw error;
      } finally {
        if (name.startsWith("LAST"))
          recordCategory({
            category: "faults: disk (read-only, full) and SIGKILL during refresh",
            cases: tried,
            failures: failed,
          });
      }
    },
    timeoutMs,
  );
}

interface AuthFile {
  tokens: { refresh_token: string; access_token: string };
}
const readAuth = (path: string) => JSON.parse(readFileSync(path, "utf8")) as AuthFile;
/**
 * Proves the login on disk still works, the way a restarted server would use it: stops the server and
 * redeems the refresh token in `auth.json` at the issuer (which consumes it, so call this last).
 */
async function expectDiskLoginUsable(f: ProxyFixture): Promise<void> {
  await f.server.stop();
  const res = await fetch(`${f.upstream.auth.issuer}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "refresh_token",
      client_id: f.upstream.auth.clientId,
      refresh_token: readAuth(f.authPath).tokens.refresh_token,
    }),
  });
  expect(
    res.status,
    `the refresh token in auth.json is still accepted by the issuer: ${await res.text()}`,
  ).toBe(200);
}

function leftovers(dir: string): string[] {
  // write-file-atomic's temp files are `auth.json.<number>`; `.tmp` ones are other writers'.
  return readdirSync(dir).filter((name) => name.endsWith(".tmp") || /^auth\.json\.\d+$/.test(name));
}

describe("disk faults and crashes while the login is written", () => {
  const user = unprivilegedUser();

  fault(
    "data folder read-only: a valid token keeps serving, an expired one gets 503, auth.json intact, recovers when writable",
    async () => {
      const f = await start({
        accessTokenTtlSeconds: -60,
        process: user ?? {},
        beforeStart: (home) => {
          chownTree(home, user);
          chmodSync(home, 0o500);
        },
      });
      const before = readFileSync(f.authPath, "utf8");
      // A client would give up long before a minute: the refusal must come promptly.
      const res = await postChat(f.server.baseUrl, { timeoutMs: 20_000 });
      expect(checkReply(res, "chat", f.secrets)).toEqual([]);
      expect(res.status).toBe(503);
      expect(errorCodeOf(res)).toBe("auth_unavailable");
      expect(readFileSync(f.authPath, "utf8"), "auth.json untouched").toBe(before);
      expect(f.upstream.auth.counters.refresh, "no refresh while the new login could not be saved").toBe(0);
      chmodSync(f.home, 0o700);
      const end = Date.now() + 40_000;
      let status = 0;
      while (status !== 200 && Date.now() < end) {
        status = (await postChat(f.server.baseUrl)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(status, "serves again once the folder is writable").toBe(200);
      expect(readAuth(f.authPath).tokens.refresh_token).not.toBe(JSON.parse(before).tokens.refresh_token);
      expect(statSync(f.authPath).mode & 0o777).toBe(0o600);
      await expectDiskLoginUsable(f);
    },
  );

  fault(
    "disk full when the refreshed login is saved: the request is served, auth.json is never half-written, the login is not lost",
    async () => {
      let home = "";
      const f = await start({
        accessTokenTtlSeconds: -60,
        beforeStart: (dir) => {
          home = dir;
          const auth = readFileSync(join(dir, "auth.json"));
          if (tryMountTmpfsProbe() && tryMountTmpfs(dir, 64)) {
            mounted = dir;
            writeFileSync(join(dir, "auth.json"), auth, { mode: 0o600 });
            fillDisk(dir);
          }
        },
        // Without tmpfs (not root), a file size limit makes the write fail the same way (EFBIG).
        ...(tryMountTmpfsProbe() ? {} : { process: { fileSizeLimitKiB: 1 } }),
      });
      const before = readFileSync(f.authPath, "utf8");
      const first = await postChat(f.server.baseUrl);
      expect(checkReply(first, "chat", f.secrets)).toEqual([]);
      expect(first.status, "the request that needed the refresh is served").toBe(200);
      const now = readFileSync(f.authPath, "utf8");
      expect(() => JSON.parse(now), "auth.json is whole").not.toThrow();
      expect(now, "the old file stays while the disk is full").toBe(before);
      expect(leftovers(home), "no temp files left behind").toEqual([]);
      for (let i = 0; i < 3; i += 1) expect((await postChat(f.server.baseUrl)).status).toBe(200);
      expect(f.upstream.auth.counters.refresh, "no refresh loop while the save keeps failing").toBe(1);
      // The log is written asynchronously: give it a moment.
      for (let i = 0; i < 50 && !f.logs().includes("could not be saved"); i += 1)
        await new Promise((r) => setTimeout(r, 100));
      expect(f.logs(), "the unsaved login is reported in the log").toContain("could not be saved");
      if (mounted) {
        rmSync(join(home, "filler.bin"));
        const end = Date.now() + 15_000;
        while (
          readAuth(f.authPath).tokens.refresh_token === JSON.parse(before).tokens.refresh_token &&
          Date.now() < end
        ) {
          await postChat(f.server.baseUrl);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        await f.restart();
        expect((await postChat(f.server.baseUrl)).status, "the saved login works after a restart").toBe(200);
        await expectDiskLoginUsable(f);
      }
    },
  );

  fault(
    "LAST: SIGKILL while a refresh is in flight: auth.json intact, the next start refreshes and serves",
    async () => {
      const f = await start({ accessTokenTtlSeconds: -60 });
      const before = readFileSync(f.authPath, "utf8");
      f.upstream.auth.configure({ tokenEndpoint: "timeout" });
      const pending = postChat(f.server.baseUrl, { timeoutMs: 30_000 });
      const end = Date.now() + 10_000;
      while (!f.upstream.auth.requests.some((r) => r.path === "/oauth/token") && Date.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const exit = await f.server.kill();
      expect(exit.signal).toBe("SIGKILL");
      const reply = await pending;
      expect(reply.status === 0 || reply.status >= 500).toBe(true);
      expect(readFileSync(f.authPath, "utf8"), "auth.json untouched by the crash").toBe(before);
      expect(statSync(f.authPath).mode & 0o777).toBe(0o600);
      expect(leftovers(f.home)).toEqual([]);
      f.upstream.auth.configure({ tokenEndpoint: "ok" });
      await f.restart();
      const res = await postChat(f.server.baseUrl, { timeoutMs: 75_000 });
      expect(res.status, "served after the restart (a stale refresh lock expires within 30 s)").toBe(200);
      expect(f.upstream.auth.counters.refresh).toBe(1);
      expect(existsSync(f.authPath)).toBe(true);
      await expectDiskLoginUsable(f);
    },
    120_000,
  );
});

let probed: boolean | undefined;
/** Whether tmpfs mounts work here (checked once on a scratch folder). */
function tryMountTmpfsProbe(): boolean {
  if (probed !== undefined) return probed;
  // CMP_RELIABILITY_NO_MOUNT=1 runs the fallback a machine without mount rights gets.
  if (process.env["CMP_RELIABILITY_NO_MOUNT"] === "1") {
    probed = false;
    return probed;
  }
  const dir = join(process.env["TMPDIR"] ?? "/tmp", `cmp-rel-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    // ignore
  }
  probed = tryMountTmpfs(dir, 16);
  if (probed) unmount(dir);
  rmSync(dir, { recursive: true, force: true });
  return probed;
}
