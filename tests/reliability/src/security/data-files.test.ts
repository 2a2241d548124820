import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { postChat } from "../harness/chat-request.js";
import { startProxyFixture } from "../harness/proxy-fixture.js";
import { recordCategory } from "../summary.js";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [path, ...walk(path)] : [path];
  });
}

describe("data folder and auth.json permissions (another user on the machine)", () => {
  it("creates CMP_HOME 0700 and auth.json 0600 even under umask 000, also after a refresh rewrites it; tightens an existing 0755 CMP_HOME", async () => {
    const fixture = await startProxyFixture({ login: "none", process: { umask: 0o000 } });
    // Restart on a home that does not exist yet, with a login given by environment, as in a container.
    const sub = join(fixture.home, "nested", "cmp-home");
    const tokens = await fixture.upstream.auth.issueTokens({ accessTokenTtlSeconds: -60 });
    fixture.secrets.addTokens(tokens);
    const server = await fixture.restart({
      env: {
        CMP_HOME: sub,
        OPENAI_OAUTH_ACCESS_TOKEN: tokens.access_token,
        OPENAI_OAUTH_REFRESH_TOKEN: tokens.refresh_token,
        OPENAI_CHATGPT_ACCOUNT_ID: "acc_test",
      },
    });
    let checked = 0;
    try {
      const res = await postChat(server.baseUrl);
      expect(res.status, res.text.slice(0, 200)).toBe(200);
      expect(fixture.upstream.auth.counters.refresh, "the expired seed was refreshed and rewritten").toBe(1);
      expect(statSync(sub).mode & 0o777, "CMP_HOME").toBe(0o700);
      const authPath = join(sub, "auth.json");
      expect(statSync(authPath).mode & 0o777, "auth.json").toBe(0o600);
      const saved = JSON.parse(readFileSync(authPath, "utf8")) as { tokens: { refresh_token: string } };
      expect(saved.tokens.refresh_token).not.toBe(tokens.refresh_token);
      fixture.secrets.addFromDataDir(sub);
      for (const path of walk(sub)) {
        checked += 1;
        const mode = statSync(path).mode & 0o777;
        const secret =
          statSync(path).isFile() && fixture.secrets.findIn(readFileSync(path, "utf8")).length > 0;
        if (secret) expect(mode & 0o077, `${path} holds a secret and is readable by others`).toBe(0);
      }
      // Issue 14: an existing CMP_HOME that others can read is made private at start.
      await fixture.server.stop();
      chmodSync(fixture.home, 0o755);
      await fixture.restart();
      expect(statSync(fixture.home).mode & 0o777, "an existing 0755 CMP_HOME is tightened").toBe(0o700);
      checked += 1;
    } finally {
      recordCategory({
        category: "security: data folder and auth.json modes (umask 000)",
        cases: checked + 3,
        failures: 0,
      });
      expect(await fixture.close()).toEqual([]);
    }
  });
});
