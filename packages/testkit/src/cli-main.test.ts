import { readFile, rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runFakeUpstreamCli } from "./cli-main.js";

describe("cmp-fake-upstream", () => {
  it("prints both URLs and a ready auth.json, then serves until closed", async () => {
    let out = "";
    const session = await runFakeUpstreamCli(["--auth-port", "0", "--codex-port", "0"], (t) => {
      out += t;
    });
    if (!session) throw new Error("expected a session");
    try {
      expect(out).toContain(`fake auth issuer:  ${session.upstream.auth.issuer}`);
      expect(out).toContain(`export CMP_UPSTREAM_URL=${session.upstream.codex.baseUrl}`);
      expect(out).toContain(session.authJsonPath);
      const file = JSON.parse(await readFile(session.authJsonPath, "utf8")) as {
        tokens: { account_id: string };
      };
      expect(file.tokens.account_id).toBe("acc_test");
      expect(out).not.toContain("eyJ");
    } finally {
      await session.upstream.close();
      await rm(session.home, { recursive: true, force: true });
    }
  });

  it("prints help and refuses bad flags", async () => {
    let out = "";
    expect(await runFakeUpstreamCli(["--help"], (t) => (out += t))).toBeNull();
    expect(out).toContain("--codex-port");
    await expect(runFakeUpstreamCli(["--auth-port", "x"], () => {})).rejects.toThrow(/--auth-port/);
    await expect(
      runFakeUpstreamCli(["--auth-port", "0", "--codex-port", "0", "--scenario", "nope"], () => {}),
    ).rejects.toThrow(/unknown scenario/);
  });
});
