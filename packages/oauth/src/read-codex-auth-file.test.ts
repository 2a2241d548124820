import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCodexAuthFile } from "./read-codex-auth-file.js";
import { makeTempDir } from "./testing/test-helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

describe("readCodexAuthFile", () => {
  it("returns null for a missing file or folder", async () => {
    expect(await readCodexAuthFile(join(dir, "auth.json"))).toBeNull();
    await writeFile(join(dir, "file"), "x");
    expect(await readCodexAuthFile(join(dir, "file", "auth.json"))).toBeNull();
  });

  it("names the file and the bad fields of a corrupt login", async () => {
    const path = join(dir, "auth.json");
    await writeFile(path, "{broken");
    await expect(readCodexAuthFile(path)).rejects.toMatchObject({
      code: "store_corrupt",
      message: expect.stringContaining(`${path} is not valid JSON`),
    });
    await writeFile(path, JSON.stringify({ tokens: { access_token: "x" } }));
    await expect(readCodexAuthFile(path)).rejects.toThrow(/bad or missing: tokens\.refresh_token/);
  });

  it.skipIf(process.getuid?.() === 0)(
    "fails with store_read_failed when the file cannot be read",
    async () => {
      const home = join(dir, "locked");
      await mkdir(home);
      await writeFile(join(home, "auth.json"), "{}");
      await chmod(home, 0o000);
      try {
        await expect(readCodexAuthFile(join(home, "auth.json"))).rejects.toMatchObject({
          code: "store_read_failed",
        });
      } finally {
        await chmod(home, 0o700);
      }
    },
  );
});
