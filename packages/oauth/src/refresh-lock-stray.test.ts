import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireRefreshLock } from "./refresh-lock.js";
import { makeTempDir } from "./testing/test-helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await cleanup();
});

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

// Regression (issue 14, attack run): a stray `auth.json.lock` left behind made every refresh fail (a
// 503 for each request with an expired token) until someone deleted it by hand. proper-lockfile only
// takes over an empty folder whose time is in the past.
describe("acquireRefreshLock and stray locks", () => {
  it("takes over a stray lock file whose lease ran out", async () => {
    const path = join(dir, "auth.json");
    await writeFile(`${path}.lock`, "");
    await utimes(`${path}.lock`, secondsAgo(60), secondsAgo(60));
    const release = await acquireRefreshLock(path, { waitMs: 1_000 });
    await release();
  });

  it("takes over a stale lock folder that is not empty", async () => {
    const path = join(dir, "auth.json");
    await mkdir(`${path}.lock`);
    await writeFile(join(`${path}.lock`, "owner"), "12345");
    await utimes(`${path}.lock`, secondsAgo(60), secondsAgo(60));
    const release = await acquireRefreshLock(path, { waitMs: 1_000 });
    await release();
  });

  it("takes over a lock dated in the future, which would never go stale", async () => {
    const path = join(dir, "auth.json");
    await mkdir(`${path}.lock`);
    const future = new Date(Date.now() + 3_600_000);
    await utimes(`${path}.lock`, future, future);
    const release = await acquireRefreshLock(path, { waitMs: 1_000 });
    await release();
  });

  it("still waits for a lock a live holder renews", async () => {
    const path = join(dir, "auth.json");
    const release = await acquireRefreshLock(path);
    const error = await acquireRefreshLock(path, { waitMs: 300 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "refresh_failed", retryable: true });
    await release();
  });
});
