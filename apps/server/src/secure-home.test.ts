import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@cmp/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { secureHome } from "./secure-home.js";

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "cmp-home-"));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

// Regression (issue 14, attack run): an existing CMP_HOME with mode 0755 stayed readable by other
// users; `mkdir(…, { mode: 0o700 })` only applies to a folder it creates.
describe("secureHome", () => {
  it("tightens an existing folder that others can read to 0700 and says so", async () => {
    const home = join(base, "home");
    await mkdir(home);
    await chmod(home, 0o755);
    expect(await secureHome(home, { create: true })).toBe(0o755);
    expect(await modeOf(home)).toBe(0o700);
    expect(await secureHome(home, { create: false })).toBeNull();
  });

  it("creates a missing folder 0700 only when asked", async () => {
    const home = join(base, "a", "b");
    expect(await secureHome(home, { create: false })).toBeNull();
    await expect(stat(home)).rejects.toMatchObject({ code: "ENOENT" });
    await secureHome(home, { create: true });
    expect(await modeOf(home)).toBe(0o700);
  });

  it("refuses a CMP_HOME that is not a folder, or that cannot be made private, with what to do", async () => {
    const file = join(base, "file");
    await writeFile(file, "");
    const notFolder = await secureHome(file, { create: false }).catch((e: unknown) => e);
    expect(ConfigError.isInstance(notFolder) && notFolder.message).toMatch(/is not a folder/);
    if (process.getuid?.() === 0) return; // root may chmod anything: nothing to refuse
    // A folder of another user (root), readable by everyone: it cannot be made private.
    const foreign = await secureHome("/", { create: false }).catch((e: unknown) => e);
    expect(ConfigError.isInstance(foreign) && foreign.message).toMatch(/chmod 700/);
  });
});
