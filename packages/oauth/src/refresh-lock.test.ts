import { mkdir, utimes } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OAuthError } from "./oauth-errors.js";
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

describe("acquireRefreshLock", () => {
  // Regression (reliability suite, faults/disk-faults "data folder read-only"): every error was retried
  // for about a minute, so each request that needed a refresh hung before its 503.
  it("fails at once, without the path in the message, when the lock cannot be created", async () => {
    const path = "/proc/self/auth.json";
    const error = await acquireRefreshLock(path).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("refresh_failed");
    expect(OAuthError.isInstance(error) && error.retryable).toBe(true);
    expect((error as Error).message).not.toContain("/proc");
  });

  it("waits while another holder has the lock, then takes it", async () => {
    const path = join(dir, "auth.json");
    const release = await acquireRefreshLock(path);
    let taken = false;
    const second = acquireRefreshLock(path).then((r) => {
      taken = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(taken).toBe(false);
    await release();
    await (await second)();
    expect(taken).toBe(true);
  });

  it("gives up waiting after waitMs", async () => {
    const path = join(dir, "auth.json");
    const release = await acquireRefreshLock(path);
    const error = await acquireRefreshLock(path, { waitMs: 300 }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("refresh_failed");
    await release();
  });

  // Regression (reliability suite, faults/disk-faults "SIGKILL while a refresh is in flight"): the lock
  // of a killed process blocked the next refresh for 30 s.
  it("takes over a lock left by a crashed process once it is 10 s old", async () => {
    const path = join(dir, "auth.json");
    await mkdir(`${path}.lock`);
    const old = new Date(Date.now() - 11_000);
    await utimes(`${path}.lock`, old, old);
    const release = await acquireRefreshLock(path, { waitMs: 1_000 });
    await release();
  });
});
