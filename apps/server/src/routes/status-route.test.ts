import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("GET /v1/status and the management stream", () => {
  it("reports login and quota: null before any upstream answer, then the latest headers", async () => {
    harness = await createHarness();
    const before = await request(harness.app).get("/v1/status");
    expect(before.body).toMatchObject({
      logged_in: true,
      account: { email: "user@example.com", plan: "pro", account_id: "acc_test" },
      token: { expires_at: "2026-11-27T20:00:00.000Z", last_refresh: "2026-11-27T18:00:00.000Z" },
      quota: null,
    });
    await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] });
    const after = await request(harness.app).get("/v1/status");
    expect(after.body.quota.primary).toMatchObject({ used_percent: 42.5, window_minutes: 300 });
    expect(after.body.quota.secondary).toMatchObject({ used_percent: 77.25, window_minutes: 10080 });
    expect(after.body.quota.primary.resets_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(after.body)).not.toContain("tok-");
  });

  it("reports logged_in false without a login", async () => {
    harness = await createHarness({ loggedIn: false });
    const res = await request(harness.app).get("/v1/status");
    expect(res.body).toMatchObject({ logged_in: false, account: null, token: null, quota: null });
  });

  it("streams a snapshot, then request start/end and quota events", async () => {
    const shutdown = new AbortController();
    harness = await createHarness({ shutdownSignal: shutdown.signal });
    const server = createServer(harness.app).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${base}/v1/management/events`);
      expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      const readUntil = async (needle: RegExp) => {
        while (!needle.test(text)) {
          const r = await reader.read();
          if (r.done) break;
          text += decoder.decode(r.value);
        }
      };
      await readUntil(/event: snapshot/);
      expect(text).toContain('"logged_in":true');
      await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
      });
      await readUntil(/"state":"done"/);
      expect(text).toMatch(/event: request\ndata: \{[^\n]*"state":"running"/);
      expect(text).toMatch(/event: request\ndata: \{[^\n]*"state":"done"[^\n]*"usage":\{"input"/);
      expect(text).toContain("event: quota");
      shutdown.abort();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        // the stream ends at shutdown
      }
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
