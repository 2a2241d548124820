import { getEventListeners } from "node:events";
import { Agent as HttpAgent, type ServerResponse } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { type FakeCodexServer, startFakeCodexServer } from "@cmp/testkit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type CodexAuthProvider, type CodexClientOptions, createCodexClient } from "./codex-client.js";
import { CodexClientError } from "./codex-client-error.js";
import { CodexHttpError } from "./codex-http-error.js";
import { createKeepAliveAgent } from "./keep-alive-agent.js";
import { createNodeHttpTransport } from "./node-http-transport.js";
import { sse, startTinyUpstream } from "./testing/tiny-upstream.js";

type Upstream = Awaited<ReturnType<typeof startTinyUpstream>>;
let upstream: Upstream | undefined;
let codex: FakeCodexServer | undefined;
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await upstream?.close();
  upstream = undefined;
  await codex?.close();
  codex = undefined;
});

const auth: CodexAuthProvider = {
  getAuth: async () => ({ accessToken: "tok-1", accountId: "acc_test" }),
  refreshAfterUnauthorized: async () => ({ accessToken: "tok-2", accountId: "acc_test" }),
};

function client(baseUrl: string, extra: Partial<CodexClientOptions> = {}) {
  const c = createCodexClient({
    baseUrl,
    auth,
    userAgent: "chatgpt-max-proxy/0.1.0 (test)",
    originator: "chatgpt_max_proxy",
    clientVersion: "0.154.0",
    sleep: async () => {},
    ...extra,
  });
  cleanups.push(() => c.close());
  return c;
}

function httpAgent(options: Parameters<typeof createKeepAliveAgent>[0] = {}): HttpAgent {
  const agent = createKeepAliveAgent({ protocol: "http:", ...options });
  cleanups.push(() => agent.destroy());
  return agent;
}

function agentSockets(agent: HttpAgent): Socket[] {
  return [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flatMap(
    (list) => (list ?? []) as Socket[],
  );
}

/** A body the fake Codex backend accepts. */
const codexBody = {
  model: "gpt-5.4",
  instructions: "",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Say hi" }] }],
  store: false,
  stream: true,
};

const completed = sse([{ type: "response.completed", response: { id: "resp_1" } }]);

function answer(res: ServerResponse, status = 200, body = completed): void {
  res.writeHead(status, { "content-type": "text/event-stream" });
  res.end(body);
}

async function readAll(response: { read(): Promise<Uint8Array | null> }): Promise<number> {
  let size = 0;
  for (let chunk = await response.read(); chunk !== null; chunk = await response.read()) {
    size += chunk.byteLength;
  }
  return size;
}

describe("createKeepAliveAgent", () => {
  it("returns an https agent by default and an http agent for http:, both keep-alive", () => {
    const secure = createKeepAliveAgent();
    const plain = createKeepAliveAgent({ protocol: "http:", maxFreeSockets: 8 });
    cleanups.push(
      () => secure.destroy(),
      () => plain.destroy(),
    );
    expect(secure).toBeInstanceOf(HttpsAgent);
    expect(plain).not.toBeInstanceOf(HttpsAgent);
    expect(plain).toBeInstanceOf(HttpAgent);
    expect(plain.maxSockets).toBe(Number.POSITIVE_INFINITY);
    expect(plain.maxFreeSockets).toBe(8);
  });
});

describe("node:http transport", () => {
  it("sends two sequential requests over one connection (fake Codex backend)", async () => {
    codex = await startFakeCodexServer();
    const c = client(codex.baseUrl);
    for (let i = 0; i < 2; i++) {
      const response = await c.createResponse(codexBody, { sessionId: "s" });
      expect(response.status).toBe(200);
      expect(await readAll(response)).toBeGreaterThan(0);
    }
    expect(codex.requests.filter((r) => r.path.endsWith("/responses"))).toHaveLength(2);
    expect(codex.connectionCount()).toBe(1);
  });

  it("sends a content-length (UTF-8 bytes), not a chunked body", async () => {
    upstream = await startTinyUpstream((_req, res) => answer(res));
    const response = await client(upstream.baseUrl).createResponse({ text: "héllo ✓" });
    await readAll(response);
    const sent = upstream.requests[0];
    expect(sent?.body).toBe('{"text":"héllo ✓"}');
    expect(sent?.headers["content-length"]).toBe(String(Buffer.byteLength('{"text":"héllo ✓"}')));
    expect(sent?.headers["transfer-encoding"]).toBeUndefined();
  });

  it("flattens multi-valued response headers into strings with lower-case names", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.setHeader("Set-Cookie", ["a=1; Path=/", "b=2; Path=/"]);
      res.setHeader("X-Multi", ["one", "two"]);
      res.setHeader("X-Codex-Primary-Used-Percent", "42");
      answer(res);
    });
    const response = await client(upstream.baseUrl).createResponse({});
    await readAll(response);
    expect(response.headers["set-cookie"]).toBe("a=1; Path=/, b=2; Path=/");
    expect(response.headers["x-multi"]).toBe("one, two");
    expect(response.quota?.primary?.usedPercent).toBe(42);
    for (const [name, value] of Object.entries(response.headers)) {
      expect(name).toBe(name.toLowerCase());
      expect(typeof value).toBe("string");
    }
  });

  it("aborts before the response head: the socket closes and the client rejects with aborted", async () => {
    upstream = await startTinyUpstream(() => {});
    const controller = new AbortController();
    const pending = client(upstream.baseUrl)
      .createResponse({}, { signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(upstream?.requests).toHaveLength(1));
    controller.abort();
    const error = await pending;
    expect(CodexClientError.isInstance(error)).toBe(true);
    expect((error as CodexClientError).code).toBe("aborted");
    await vi.waitFor(() => expect(upstream?.closed).toEqual([0]), { timeout: 1000 });
    expect(upstream.requests).toHaveLength(1);
  });

  it("sends nothing when the signal is already aborted", async () => {
    upstream = await startTinyUpstream((_req, res) => answer(res));
    const error = await client(upstream.baseUrl)
      .createResponse({}, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect((error as CodexClientError).code).toBe("aborted");
    expect(upstream.connections()).toBe(0);
  });

  it("aborts mid-body: the fake backend sees the connection close and the read rejects with aborted", async () => {
    codex = await startFakeCodexServer({
      scenario: { events: [{ type: "response.created" }], end: "stall" },
    });
    const controller = new AbortController();
    const response = await client(codex.baseUrl).createResponse(codexBody, { signal: controller.signal });
    expect(await response.read()).not.toBeNull();
    const next = response.read().catch((e: unknown) => e);
    controller.abort();
    expect(((await next) as CodexClientError).code).toBe("aborted");
    expect(await codex.waitForClose(0)).toEqual({ requestIndex: 0, aborted: true });
    await vi.waitFor(() => expect(codex?.openConnectionCount()).toBe(0), { timeout: 1000 });
  });

  it("takes a lighter AbortSignal stand-in: aborting it before the head and mid-body cancels the request", async () => {
    const listeners = new Set<() => void>();
    const stand = {
      aborted: false,
      reason: undefined as unknown,
      addEventListener: (_type: "abort", listener: () => void) => void listeners.add(listener),
      removeEventListener: (_type: "abort", listener: () => void) => void listeners.delete(listener),
      abort() {
        this.aborted = true;
        this.reason = new Error("client left");
        for (const listener of [...listeners]) listener();
      },
    };
    codex = await startFakeCodexServer({
      scenario: { events: [{ type: "response.created" }], end: "stall" },
    });
    const response = await client(codex.baseUrl).createResponse(codexBody, { signal: stand });
    expect(await response.read()).not.toBeNull();
    const next = response.read().catch((e: unknown) => e);
    stand.abort();
    expect(((await next) as CodexClientError).code).toBe("aborted");
    expect(await codex.waitForClose(0)).toEqual({ requestIndex: 0, aborted: true });
    expect(listeners.size).toBe(0);
  });

  it("gives up on a backend that never sends the response head after idleTimeoutMs, once: no retry (504, not 3 × the timeout)", async () => {
    upstream = await startTinyUpstream(() => {});
    const started = Date.now();
    const error = await client(upstream.baseUrl, { idleTimeoutMs: 300 })
      .createResponse({})
      .catch((e: unknown) => e);
    expect((error as CodexClientError).code).toBe("upstream_idle_timeout");
    expect((error as Error).message).toContain("no response head");
    expect(((error as Error).cause as { code?: string }).code).toBe("ERR_HEADERS_TIMEOUT");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(600 * 2);
    expect(upstream.requests).toHaveLength(1);
    await vi.waitFor(() => expect(upstream?.closed).toEqual([0]), { timeout: 1000 });
  });

  it.each([500, 429, 401])(
    "ends a %i whose error body stalls after the idle timeout, with the status (not a hang)",
    async (status) => {
      upstream = await startTinyUpstream((_req, res) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.write('{"error":{"message":"half');
      });
      const started = Date.now();
      const error = await client(upstream.baseUrl, { idleTimeoutMs: 200, maxRetries: 0 })
        .createResponse({})
        .catch((e: unknown) => e);
      expect(CodexHttpError.isInstance(error)).toBe(true);
      expect((error as CodexHttpError).status).toBe(status);
      expect((error as CodexHttpError).bodyText).toContain("half");
      expect(Date.now() - started).toBeLessThan(10_000);
    },
  );

  it("ends an error body that trickles faster than the idle timeout, at the deadline", async () => {
    const timers: NodeJS.Timeout[] = [];
    cleanups.push(() => timers.forEach(clearInterval));
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      timers.push(setInterval(() => res.write(" "), 50));
    });
    const started = Date.now();
    const error = await client(upstream.baseUrl, { idleTimeoutMs: 400, streamDeadlineMs: 800, maxRetries: 0 })
      .createResponse({})
      .catch((e: unknown) => e);
    expect((error as CodexHttpError).status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("ends a 200 stream of keep-alive comments at the deadline with upstream_deadline", async () => {
    const timers: NodeJS.Timeout[] = [];
    cleanups.push(() => timers.forEach(clearInterval));
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      timers.push(setInterval(() => res.write(": keep-alive\n\n"), 50));
    });
    const started = Date.now();
    const response = await client(upstream.baseUrl, {
      idleTimeoutMs: 400,
      streamDeadlineMs: 800,
    }).createResponse({});
    let error: unknown;
    try {
      while ((await response.read()) !== null) {}
    } catch (e) {
      error = e;
    }
    expect((error as CodexClientError).code).toBe("upstream_deadline");
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(Date.now() - started).toBeLessThan(10_000);
    await vi.waitFor(() => expect(upstream?.closed).toEqual([0]), { timeout: 2000 });
  });

  it("rejects with ECONNRESET when a reused keep-alive socket turns out to be dead", async () => {
    upstream = await startTinyUpstream((req, res, index) => {
      if (index === 1) req.socket.destroy();
      else answer(res);
    });
    const transport = createNodeHttpTransport(httpAgent());
    const url = `${upstream.baseUrl}/responses`;
    const first = await transport({ url, headers: {}, body: "{}" });
    while ((await first.source.next()) !== null) {}
    const error = await transport({ url, headers: {}, body: "{}" }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("ECONNRESET");
    expect(upstream.connections()).toBe(1);
  });

  it("retries a request whose reused keep-alive socket is dead, and succeeds on a new one", async () => {
    upstream = await startTinyUpstream((req, res, index) => {
      if (index === 1) req.socket.destroy();
      else answer(res);
    });
    const sleep = vi.fn(async () => {});
    const c = client(upstream.baseUrl, { sleep });
    const first = await c.createResponse({});
    await readAll(first);
    expect(first.attempts).toBe(1);
    const retried = await c.createResponse({});
    expect(await readAll(retried)).toBe(completed.length);
    expect(retried.attempts).toBe(2);
    expect(sleep).toHaveBeenCalledTimes(1);
    const ports = upstream.requests.map((r) => r.remotePort);
    expect(ports[1]).toBe(ports[0]);
    expect(ports[2]).not.toBe(ports[0]);
    expect(upstream.connections()).toBe(2);
  });

  it("leaks no listener over 1000 sequential requests sharing one signal", async () => {
    upstream = await startTinyUpstream((_req, res, index) => {
      if (index % 10 === 9) answer(res, 429, '{"error":{"type":"usage_limit_reached"}}');
      else answer(res);
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    cleanups.push(() => process.off("warning", onWarning));
    const agent = httpAgent();
    const c = client(upstream.baseUrl, { agent });
    const controller = new AbortController();
    const snapshot = () =>
      agentSockets(agent).map((socket) =>
        socket.eventNames().map((e) => `${String(e)}:${socket.listenerCount(e)}`),
      );
    let baseline: string[][] = [];
    for (let i = 0; i < 1000; i++) {
      const pending = c.createResponse({}, { sessionId: "s", signal: controller.signal });
      if (i % 10 === 9) {
        await expect(pending).rejects.toMatchObject({ status: 429 });
      } else {
        expect(await readAll(await pending)).toBe(completed.length);
      }
      if (i === 10) {
        await delay(0);
        baseline = snapshot();
      }
    }
    await delay(0);
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(upstream.connections()).toBe(1);
    expect(baseline).toHaveLength(1);
    expect(snapshot()).toEqual(baseline);
  });

  it("applies backpressure: an unread 10 MB body is not buffered by the client", async () => {
    const total = 10 * 1024 * 1024;
    let written = 0;
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const agent = httpAgent();
    const response = await client(upstream.baseUrl, { agent }).createResponse({});
    expect(await response.read()).not.toBeNull();
    await delay(300);
    const [socket] = agentSockets(agent);
    expect(socket?.isPaused()).toBe(true);
    expect(socket?.bytesRead).toBeLessThan(1024 * 1024);
    expect(written).toBeLessThan(total);
    let size = 0;
    for (let chunk = await response.read(); chunk !== null; chunk = await response.read()) {
      size += chunk.byteLength;
    }
    expect(written).toBe(total);
    expect(size).toBeGreaterThan(total - 64 * 1024);
  });

  it("keeps a stream open past the free-socket timeout and closes idle pooled sockets after it", async () => {
    upstream = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sse([{ type: "response.created" }]));
      setTimeout(() => res.end(completed), 250);
    });
    const agent = httpAgent({ freeSocketTimeoutMs: 50 });
    const response = await client(upstream.baseUrl, { agent }).createResponse({});
    const text = new TextDecoder();
    let body = "";
    for (let chunk = await response.read(); chunk !== null; chunk = await response.read()) {
      body += text.decode(chunk, { stream: true });
    }
    expect(body).toBe(sse([{ type: "response.created" }]) + completed);
    await vi.waitFor(() => expect(agentSockets(agent)).toHaveLength(0), { timeout: 1000 });
  });

  it("close() destroys the client's own agent but leaves a given agent open", async () => {
    codex = await startFakeCodexServer();
    const own = createCodexClient({
      baseUrl: codex.baseUrl,
      auth,
      userAgent: "ua",
      originator: "o",
      clientVersion: "0.154.0",
    });
    await readAll(await own.createResponse(codexBody));
    expect(codex.openConnectionCount()).toBe(1);
    await own.close();
    await vi.waitFor(() => expect(codex?.openConnectionCount()).toBe(0), { timeout: 1000 });

    const agent = httpAgent();
    const shared = createCodexClient({
      baseUrl: codex.baseUrl,
      auth,
      userAgent: "ua",
      originator: "o",
      clientVersion: "0.154.0",
      agent,
    });
    await readAll(await shared.createResponse(codexBody));
    await shared.close();
    expect(agentSockets(agent)).toHaveLength(1);
    expect(codex.openConnectionCount()).toBe(1);
  });
});
