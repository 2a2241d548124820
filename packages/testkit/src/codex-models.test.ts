import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCodexServer, startFakeCodexServer } from "./fake-codex-server.js";
import { loadBundledCatalogText } from "./model-catalog.js";
import { pick } from "./testing/pick.js";

let codex: FakeCodexServer;
beforeAll(async () => {
  codex = await startFakeCodexServer();
});
afterAll(async () => {
  await codex.close();
});

const auth = { authorization: "Bearer test", "chatgpt-account-id": "acc_test" };

function getModels(extra: Record<string, string> = {}, query = "?client_version=0.146.0"): Promise<Response> {
  return fetch(`${codex.baseUrl}/models${query}`, {
    headers: { ...auth, accept: "application/json", ...extra },
  });
}

describe("GET /models", () => {
  it("serves the bundled catalog with an ETag, and 304 on If-None-Match", async () => {
    const res = await getModels();
    expect(res.status).toBe(200);
    const etag = res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^".+"$/);
    expect(res.headers.get("x-models-etag")).toBe(etag);
    expect(await res.text()).toBe(loadBundledCatalogText());
    const again = await getModels({ "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
  });

  it("lets a test swap the catalog and its ETag", async () => {
    const before = codex.catalogEtag();
    codex.setCatalog(
      { models: [{ slug: "gpt-test", supported_reasoning_levels: [{ effort: "low" }] }] },
      '"v2"',
    );
    try {
      const res = await getModels({ "if-none-match": before });
      expect(res.status).toBe(200);
      expect(res.headers.get("etag")).toBe('"v2"');
      expect(pick(await res.json(), "models", 0, "slug")).toBe("gpt-test");
      const accepted = await fetch(`${codex.baseUrl}/responses`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-test", input: [], store: false, stream: true }),
      });
      expect(accepted.status).toBe(200);
      await accepted.text();
    } finally {
      codex.setCatalog(loadBundledCatalogText());
    }
    expect(codex.catalogEtag()).toBe(before);
  });

  it("requires client_version", async () => {
    const res = await getModels({}, "");
    expect(res.status).toBe(400);
  });
});

describe("quota headers", () => {
  it("come on every response, with configurable values", async () => {
    const res = await getModels();
    expect(res.headers.get("x-codex-primary-used-percent")).toBe("42.5");
    expect(res.headers.get("x-codex-primary-window-minutes")).toBe("300");
    expect(res.headers.get("x-codex-secondary-used-percent")).toBe("77.25");
    expect(res.headers.get("x-codex-secondary-window-minutes")).toBe("10080");
    expect(Number(res.headers.get("x-codex-primary-reset-at"))).toBeGreaterThan(Date.now() / 1000);
    expect(Number(res.headers.get("x-codex-primary-reset-after-seconds"))).toBeGreaterThan(0);
    await res.text();

    codex.setQuota({
      primary: { usedPercent: 99, resetAt: 2_000_000_000 },
      credits: { hasCredits: true, unlimited: false, balance: "12.5" },
    });
    const unauthorized = await fetch(`${codex.baseUrl}/models?client_version=1`);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("x-codex-primary-used-percent")).toBe("99");
    expect(unauthorized.headers.get("x-codex-primary-reset-at")).toBe("2000000000");
    expect(unauthorized.headers.get("x-codex-credits-balance")).toBe("12.5");
    await unauthorized.text();

    codex.setQuota(null);
    const none = await getModels();
    expect(none.headers.get("x-codex-primary-used-percent")).toBeNull();
    await none.text();
  });
});

describe("request recording and connections", () => {
  it("records method, path, query, headers and parsed body", async () => {
    const start = codex.requests.length;
    const res = await fetch(`${codex.baseUrl}/responses`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "session-id": "s-1" },
      body: JSON.stringify({ model: "gpt-5.4", input: [], store: false, stream: true }),
    });
    await res.text();
    const recorded = codex.requests[start];
    expect(recorded).toMatchObject({
      method: "POST",
      path: "/backend-api/codex/responses",
      body: { model: "gpt-5.4", input: [], store: false, stream: true },
    });
    expect(recorded?.headers["session-id"]).toBe("s-1");
    await expect(codex.waitForClose(start)).resolves.toEqual({ requestIndex: start, aborted: false });
    expect(codex.connectionCount()).toBeGreaterThan(0);
  });

  it("reports a client abort through onRequestClosed", async () => {
    codex.setScenario("stall");
    const seen: boolean[] = [];
    const off = codex.onRequestClosed((info) => seen.push(info.aborted));
    const controller = new AbortController();
    const res = await fetch(`${codex.baseUrl}/responses`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", input: [], store: false, stream: true }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    controller.abort();
    await codex.waitForClose(codex.requests.length - 1);
    off();
    codex.setScenario(null);
    expect(seen).toEqual([true]);
  });

  it("rejects waitForClose for an unknown index", async () => {
    await expect(codex.waitForClose(10_000)).rejects.toThrow(/no request/);
  });

  it("answers unknown paths with a JSON 404", async () => {
    const res = await fetch(`${codex.baseUrl}/nope`, { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: "Not Found" });
  });
});
