import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileTokenStore } from "./file-token-store.js";
import { convertLoginToCodexAuthFile } from "./stored-login.js";
import { makeTempDir } from "./testing/test-helpers.js";
import { createTokenManager } from "./token-manager.js";
import type { TokenManagerEvent } from "./token-manager-types.js";
import type { TokenStore } from "./token-store.js";

let auth: FakeAuthServer;
let dir: string;
let cleanup: () => Promise<void>;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  auth = await startFakeAuthServer();
  clock = Date.now();
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await auth.close();
  await cleanup();
});

// Issue 14: a corrupt auth.json was read again and reported on every request; the status showed only
// "not logged in".
describe("an unreadable stored login", () => {
  it("is reported once, read again only when the file changes, and described without its path", async () => {
    const path = join(dir, "auth.json");
    await writeFile(path, "{broken");
    const file = createFileTokenStore({ path });
    let reads = 0;
    const store: TokenStore = {
      ...file,
      get: () => {
        reads += 1;
        return file.get();
      },
      revision: () => file.revision?.() ?? Promise.resolve(""),
    };
    const manager = createTokenManager({ store, issuer: auth.issuer, now });
    const events: TokenManagerEvent[] = [];
    manager.on("store_unreadable", (e) => events.push(e));
    for (let i = 0; i < 20; i++) {
      clock += 500;
      await expect(manager.getAuth()).rejects.toMatchObject({ code: "store_corrupt" });
    }
    await expect(manager.getStatus()).rejects.toMatchObject({ code: "store_corrupt" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "store_unreadable", code: "store_corrupt" });
    expect(reads).toBe(1);
    const described = manager.getLoginError();
    expect(described).toMatch(/^store_corrupt: /);
    expect(described).not.toContain(dir);
    expect(described).not.toContain("{broken");

    const tokens = await auth.issueTokens();
    await writeFile(
      path,
      JSON.stringify(
        convertLoginToCodexAuthFile({
          idToken: tokens.id_token,
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          accountId: "acc_test",
          lastRefresh: null,
        }),
      ),
    );
    clock += 1500;
    expect((await manager.getAuth()).accessToken).toBe(tokens.access_token);
    expect(manager.getLoginError()).toBeNull();
  });
});
