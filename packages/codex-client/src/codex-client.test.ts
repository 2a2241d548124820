import { afterEach, describe, expect, it, vi } from "vitest";
import { type CodexAuthProvider, createCodexClient } from "./codex-client.js";
import { CodexClientError } from "./codex-client-error.js";
import { CodexHttpError } from "./codex-http-error.js";
import { sse, startTinyUpstream } from "./testing/tiny-upstream.js";

type Upstream = Awaited<ReturnType<typeof startTinyUpstream>>;
let upstream: Upstream | undefined;
const clients: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await upstream?.close();
  upstream = undefined;
});

function fakeAuth(): CodexAuthProvider & { refreshes: string[] } {
  let token = "tok-1";
  const refreshes: string[] = [];
  return {
    refreshes,
    getAuth: async () => ({ accessToken: token, accountId: "acc_test" }),
    refreshAfterUnauthorized: async (stale) => {
      refreshes.push(stale);
      token = `tok-${refreshes.length + 1}`;
      return { accessToken: token, accountId: "acc_test" };
    },
  };
}

function client(baseUrl: string, auth = fakeAuth(), extra: Record<string, unknown> = {}) {
  const c = createCodexClient({
    baseUrl,
    auth,
    userAgent: "chatgpt-max-proxy/0.1.0 (test)",
    originator: "chatgpt_max_proxy",
    clientVersion: "0.154.0",
    sleep: async () => {},
    ...extra,
  });
  clients.push(c);
  return c;
}

const completed = sse([{ type: "response.completed", response: { id: "resp_1" } }]);

describe("createCodexClient", () => {
  it("sends the honest headers and the body once, and returns the SSE stream with quota", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "x-codex-primary-used-percent": "12.5",
        "x-codex-primary-window-minutes": "300",
      });
      res.end(completed);
    });
    const response = await client(upstream.baseUrl).createResponse(
      { model: "gpt-5.5" },
      { sessionId: "cache-key-1" },
    );
    expect(await new Response(response.body).text()).toBe(completed);
    expect(response.quota?.primary?.usedPercent).toBe(12.5);
    expect(response.attempts).toBe(1);
    const sent = upstream.requests[0];
    expect(sent?.body).toBe('{"model":"gpt-5.5"}');
    expect(sent?.headers).toMatchObject({
      authorization: "Bearer tok-1",
      "chatgpt-account-id": "acc_test",
      originator: "chatgpt_max_proxy",
      "user-agent": "chatgpt-max-proxy/0.1.0 (test)",
      "session-id": "cache-key-1",
      "thread-id": "cache-key-1",
      version: "0.154.0",
      accept: "text/event-stream",
      "content-type": "application/json",
    });
  });

  it("reuses the keep-alive connection for consecutive requests", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(completed);
    });
    const c = client(upstream.baseUrl);
    for (let i = 0; i < 6; i++) await (await c.createResponse({})).body.pipeTo(new WritableStream());
    expect(new Set(upstream.requests.map((r) => r.remotePort)).size).toBe(1);
    expect(upstream.connections()).toBe(1);
  });

  it("refreshes once after a 401 and replays the request with the new token", async () => {
    upstream = await startTinyUpstream((req, res) => {
      if (req.headers.authorization === "Bearer tok-1") {
        res.writeHead(401, { "content-type": "application/json" });
        res.end('{"detail":"token expired"}');
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(completed);
    });
    const auth = fakeAuth();
    const response = await client(upstream.baseUrl, auth).createResponse({});
    await response.body.cancel();
    expect(auth.refreshes).toEqual(["tok-1"]);
    expect(response.attempts).toBe(2);
    expect(upstream.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("uses the request's own account (authProvider) for its token and its refresh after a 401", async () => {
    upstream = await startTinyUpstream((req, res) => {
      if (req.headers.authorization === "Bearer tok-1") {
        res.writeHead(401, { "content-type": "application/json" });
        res.end('{"detail":"token expired"}');
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(completed);
    });
    const clientAuth = fakeAuth();
    const account = fakeAuth();
    const response = await client(upstream.baseUrl, clientAuth).createResponse({}, { authProvider: account });
    await response.body.cancel();
    expect(account.refreshes).toEqual(["tok-1"]);
    expect(clientAuth.refreshes).toEqual([]);
    expect(upstream.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("gives up after a second 401 without looping", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(401);
      res.end("no");
    });
    const auth = fakeAuth();
    const error = await client(upstream.baseUrl, auth)
      .createResponse({})
      .catch((e: unknown) => e);
    expect(CodexHttpError.isInstance(error)).toBe(true);
    expect((error as CodexHttpError).status).toBe(401);
    expect((error as CodexHttpError).afterRefresh).toBe(true);
    expect(auth.refreshes).toHaveLength(1);
    expect(upstream.requests).toHaveLength(2);
  });

  it("retries 5xx with backoff, then succeeds", async () => {
    upstream = await startTinyUpstream((_req, res, index) => {
      res.writeHead(index < 2 ? 503 : 200);
      res.end(index < 2 ? "busy" : completed);
    });
    const sleep = vi.fn(async () => {});
    const response = await client(upstream.baseUrl, fakeAuth(), { sleep }).createResponse({});
    await response.body.cancel();
    expect(response.attempts).toBe(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it("stops after the retry budget and reports the last 5xx", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(502, { "x-codex-primary-used-percent": "5" });
      res.end("bad gateway");
    });
    const error = (await client(upstream.baseUrl)
      .createResponse({})
      .catch((e: unknown) => e)) as CodexHttpError;
    expect(error.status).toBe(502);
    expect(error.bodyText).toBe("bad gateway");
    expect(error.quota?.primary?.usedPercent).toBe(5);
    expect(upstream.requests).toHaveLength(3);
  });

  it("cancels the default backoff sleep when the caller aborts, with the caller's reason as cause", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(503);
      res.end("busy");
    });
    const controller = new AbortController();
    const c = client(upstream.baseUrl, fakeAuth(), { sleep: undefined, retryBaseMs: 60_000 });
    const pending = c.createResponse({}, { signal: controller.signal }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(upstream?.closed).toContain(0));
    const reason = new Error("client went away");
    controller.abort(reason);
    const error = await pending;
    expect(CodexClientError.isInstance(error)).toBe(true);
    expect((error as CodexClientError).code).toBe("aborted");
    expect((error as Error).cause).toBe(reason);
    expect(upstream.requests).toHaveLength(1);
  });

  it("does not retry a 429", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(429, { "content-type": "application/json" });
      res.end('{"error":{"type":"usage_limit_reached"}}');
    });
    const error = (await client(upstream.baseUrl)
      .createResponse({})
      .catch((e: unknown) => e)) as CodexHttpError;
    expect(error.status).toBe(429);
    expect(error.bodyText).toContain("usage_limit_reached");
    expect(upstream.requests).toHaveLength(1);
  });

  it("retries connection errors and then reports the backend unreachable without secrets", async () => {
    upstream = await startTinyUpstream(() => {});
    const baseUrl = upstream.baseUrl;
    await upstream.close();
    upstream = undefined;
    const sleep = vi.fn(async () => {});
    const error = await client(baseUrl, fakeAuth(), { sleep })
      .createResponse({})
      .catch((e: unknown) => e);
    expect(CodexClientError.isInstance(error)).toBe(true);
    expect((error as CodexClientError).code).toBe("upstream_unreachable");
    expect((error as Error).message).not.toContain("tok-1");
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(((error as Error).cause as { code?: string }).code).toBe("ECONNREFUSED");
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it("errors the body stream when the backend goes silent", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sse([{ type: "response.created" }]));
    });
    const response = await client(upstream.baseUrl, fakeAuth(), { idleTimeoutMs: 100 }).createResponse({});
    const reader = response.body.getReader();
    expect((await reader.read()).done).toBe(false);
    const error = await reader.read().catch((e: unknown) => e);
    expect((error as CodexClientError).code).toBe("upstream_idle_timeout");
    await vi.waitFor(() => expect(upstream?.closed).toContain(0));
  });

  it("reports a stream cut mid-way as upstream_stream_error", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sse([{ type: "response.created" }]), () => res.destroy());
    });
    const response = await client(upstream.baseUrl).createResponse({});
    const error = await new Response(response.body).text().catch((e: unknown) => e);
    expect(CodexClientError.isInstance(error)).toBe(true);
    expect((error as CodexClientError).code).toBe("upstream_stream_error");
  });

  it("closes the upstream connection as soon as the caller aborts", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sse([{ type: "response.created" }]));
    });
    const controller = new AbortController();
    const response = await client(upstream.baseUrl).createResponse({}, { signal: controller.signal });
    const reader = response.body.getReader();
    await reader.read();
    controller.abort();
    await vi.waitFor(() => expect(upstream?.closed).toContain(0), { timeout: 1000 });
    const error = await reader.read().catch((e: unknown) => e);
    expect((error as CodexClientError).code).toBe("aborted");
  });

  it("offers a cheap pull reader with the same idle timeout", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sse([{ type: "response.created" }]));
    });
    const response = await client(upstream.baseUrl, fakeAuth(), { idleTimeoutMs: 100 }).createResponse({});
    expect(new TextDecoder().decode((await response.read()) ?? undefined)).toContain("response.created");
    const error = await response.read().catch((e: unknown) => e);
    expect((error as CodexClientError).code).toBe("upstream_idle_timeout");
    await expect(response.read()).rejects.toBe(error);
  });

  it("reads to the end with read() and keeps the connection for reuse", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(completed);
    });
    const c = client(upstream.baseUrl);
    for (let i = 0; i < 4; i++) {
      const response = await c.createResponse({});
      let text = "";
      for (let chunk = await response.read(); chunk !== null; chunk = await response.read()) {
        text += new TextDecoder().decode(chunk);
      }
      expect(text).toBe(completed);
      expect(await response.read()).toBeNull();
    }
    expect(upstream.connections()).toBe(1);
  });

  it("bridges a lighter AbortSignal stand-in to the injected fetch's signal", async () => {
    let seen: AbortSignal | null | undefined;
    const fetchFn = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      seen = init?.signal;
      return new Response(completed, { status: 200 });
    });
    let fire: (() => void) | undefined;
    const stand = {
      aborted: false,
      reason: "client left" as unknown,
      addEventListener: (_type: "abort", listener: () => void) => {
        fire = listener;
      },
      removeEventListener: () => {},
    };
    await client("http://upstream.invalid/codex/", fakeAuth(), {
      fetch: fetchFn as unknown as typeof fetch,
    }).createResponse({ a: 1 }, { signal: stand });
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen?.aborted).toBe(false);
    fire?.();
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe("client left");
  });

  it("removes its listener from a shared AbortSignal stand-in once the fetched body ended", async () => {
    const fetchFn = vi.fn(async () => new Response(completed, { status: 200 }));
    const listeners = new Set<() => void>();
    const shared = {
      aborted: false,
      addEventListener: (_type: "abort", listener: () => void) => void listeners.add(listener),
      removeEventListener: (_type: "abort", listener: () => void) => void listeners.delete(listener),
    };
    const c = client("http://upstream.invalid/codex/", fakeAuth(), {
      fetch: fetchFn as unknown as typeof fetch,
    });
    for (let i = 0; i < 3; i++) {
      const response = await c.createResponse({ a: i }, { signal: shared });
      expect(listeners.size).toBe(1);
      expect(await new Response(response.body).text()).toBe(completed);
      expect(listeners.size).toBe(0);
    }
  });

  it("works over an injected fetch", async () => {
    const fetchFn = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      expect(new Headers(init?.headers).get("authorization")).toBe("Bearer tok-1");
      return new Response(completed, { status: 200, headers: { "x-codex-secondary-used-percent": "50" } });
    });
    const response = await client("http://upstream.invalid/codex/", fakeAuth(), {
      fetch: fetchFn as unknown as typeof fetch,
    }).createResponse({ a: 1 });
    expect(fetchFn.mock.calls[0]?.[0]).toBe("http://upstream.invalid/codex/responses");
    expect(response.quota?.secondary?.usedPercent).toBe(50);
    expect(await new Response(response.body).text()).toBe(completed);
  });
});
