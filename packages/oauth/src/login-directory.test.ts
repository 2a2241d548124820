import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkAccountName } from "./account-name.js";
import { createLoginDirectory } from "./login-directory.js";
import { OAuthError } from "./oauth-errors.js";
import type { StoredLogin } from "./stored-login.js";

const login = (accountId: string, token = "a"): StoredLogin => ({
  accessToken: `access-${token}`,
  refreshToken: `refresh-${token}`,
  idToken: null,
  accountId,
  lastRefresh: null,
});

describe("createLoginDirectory", () => {
  const homes: string[] = [];
  afterEach(async () => {
    for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
  });
  const newHome = async () => {
    const home = await mkdtemp(join(tmpdir(), "cmp-logins-"));
    homes.push(home);
    return home;
  };

  it("keeps the first account in auth.json and the others in accounts/<name>.json, 0600", async () => {
    const home = await newHome();
    const dir = createLoginDirectory({ home });
    expect(await dir.names()).toEqual([]);
    await dir.loginStore("default").set(login("acct-a"));
    await dir.loginStore("work").set(login("acct-b"));
    await dir.loginStore("home").set(login("acct-c"));
    expect(await dir.names()).toEqual(["default", "home", "work"]);
    expect(dir.pathOf("default")).toBe(join(home, "auth.json"));
    expect(dir.pathOf("work")).toBe(join(home, "accounts", "work.json"));
    expect((await stat(dir.pathOf("work"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "accounts"))).mode & 0o777).toBe(0o700);
    expect(await dir.findAccount("acct-b")).toBe("work");
    expect(await dir.findAccount("acct-b", "work")).toBeNull();
  });

  it("refuses a ChatGPT account already logged in under another name, and allows a re-login", async () => {
    const dir = createLoginDirectory({ home: await newHome() });
    await dir.loginStore("default").set(login("acct-a"));
    const refused = await dir
      .loginStore("second")
      .set(login("acct-a", "b"))
      .catch((error: unknown) => error);
    expect(OAuthError.isInstance(refused) && refused.code).toBe("duplicate_account");
    expect(String((refused as Error).message)).toContain('"default"');
    expect(await dir.names()).toEqual(["default"]);
    await dir.loginStore("default").set(login("acct-a", "again"));
    expect((await dir.store("default").get())?.accessToken).toBe("access-again");
  });

  it("removes an account's file and its lock", async () => {
    const home = await newHome();
    const dir = createLoginDirectory({ home });
    await dir.loginStore("b").set(login("acct-b"));
    await dir.remove("b");
    await dir.remove("b");
    expect(await dir.names()).toEqual([]);
    expect(await readdir(join(home, "accounts"))).toEqual([]);
  });

  it("checks names: they become file names, store keys and header values", () => {
    for (const bad of ["", "Work", "../x", "a/b", "-x", "x".repeat(33), "a b", "é"]) {
      expect(() => checkAccountName(bad)).toThrow(/not a valid account name/);
    }
    for (const good of ["a", "work", "team-2", "alice.pro", "x".repeat(32)])
      expect(checkAccountName(good)).toBe(good);
    const dir = createLoginDirectory({ home: "/nonexistent" });
    expect(() => dir.pathOf("../../etc/passwd")).toThrow(OAuthError);
  });
});
