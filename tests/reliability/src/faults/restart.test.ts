import { readFileSync } from "node:fs";
import { DEFAULT_REPLY_TEXT } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextOf, endsWithDone, postChat } from "../harness/chat-request.js";
import { type ProxyFixture, startProxyFixture } from "../harness/proxy-fixture.js";
import { recordCategory } from "../summary.js";

let fixture: ProxyFixture;
let tried = 0;
let failed = 0;

beforeAll(async () => {
  fixture = await startProxyFixture();
});

afterAll(async () => {
  recordCategory({
    category: "faults: restarts (SIGTERM drain, restart keeps the login)",
    cases: tried,
    failures: failed,
  });
  expect((await fixture?.close()) ?? []).toEqual([]);
});

describe("restarts", () => {
  it("SIGTERM during a streaming reply: the reply completes with [DONE], the process exits 0, the login is kept and served after a restart", async () => {
    tried += 1;
    try {
      fixture.upstream.codex.setScenario("slow");
      const before = readFileSync(fixture.authPath, "utf8");
      const reply = postChat(fixture.server.baseUrl, { stream: true });
      const end = Date.now() + 10_000;
      while (
        fixture.upstream.codex.requests.filter((r) => r.path.endsWith("/responses")).length === 0 &&
        Date.now() < end
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const exit = await fixture.server.stop(15_000);
      const res = await reply;
      expect(res.status).toBe(200);
      expect(endsWithDone(res)).toBe(true);
      expect(chatTextOf(res)).toBe(DEFAULT_REPLY_TEXT);
      expect(exit.code).toBe(0);
      expect(readFileSync(fixture.authPath, "utf8")).toBe(before);
      await fixture.restart();
      fixture.upstream.codex.setScenario("text");
      expect((await postChat(fixture.server.baseUrl)).status).toBe(200);
    } catch (error) {
      failed += 1;
      throw error;
    }
  });
});
