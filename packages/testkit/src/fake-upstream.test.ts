import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { buildAuthJson } from "./auth-json.js";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";

let upstream: FakeUpstream | undefined;
let dir: string | undefined;
afterEach(async () => {
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  upstream = undefined;
  dir = undefined;
});

describe("startFakeUpstream", () => {
  it("writes a Codex-style auth.json whose tokens the backend accepts", async () => {
    upstream = await startFakeUpstream();
    dir = await mkdtemp(join(tmpdir(), "testkit-"));
    const { path } = await upstream.loginInto(join(dir, "home"));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const file = JSON.parse(await readFile(path, "utf8")) as ReturnType<typeof buildAuthJson>;
    expect(file.OPENAI_API_KEY).toBeNull();
    expect(file.tokens.account_id).toBe("acc_test");
    expect(Number.isNaN(Date.parse(file.last_refresh))).toBe(false);
    const res = await fetch(`${upstream.codex.baseUrl}/responses`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${file.tokens.access_token}`,
        "chatgpt-account-id": file.tokens.account_id ?? "",
        "content-type": "application/json",
      },
      body: JSON.stringify({ model: "gpt-5.4", input: [], store: false, stream: true }),
    });
    expect(res.status).toBe(200);
    await res.text();
  });

  it("close() does not hang on a stalled stream", async () => {
    upstream = await startFakeUpstream({ codex: { scenario: "stall" } });
    const { access_token } = await upstream.auth.issueTokens();
    const res = await fetch(`${upstream.codex.baseUrl}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "chatgpt-account-id": "acc_test" },
      body: JSON.stringify({ model: "gpt-5.4", input: [], store: false, stream: true }),
    });
    expect(res.status).toBe(200);
    await upstream.close();
    await expect(res.text()).rejects.toThrow();
    expect(upstream.codex.openConnectionCount()).toBe(0);
  });
});
