import { networkInterfaces } from "node:os";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodeOf, postChat } from "../harness/chat-request.js";
import { type RawResponse, sendRequest } from "../harness/http-request.js";
import { type ProxyFixture, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkReply } from "../harness/reply-check.js";
import { startServerProcess } from "../harness/server-process.js";
import { createTempHome, removeTempHome } from "../harness/temp-home.js";
import { recordCategory } from "../summary.js";

const KEYS = ["sk-cmp-test-key-one-0123456789", "sk-cmp-test-key-two-9876543210"] as const;
let open: ProxyFixture;
let keyed: ProxyFixture;
let attempts = 0;
let failures = 0;

beforeAll(async () => {
  open = await startProxyFixture();
  keyed = await startProxyFixture({
    upstream: open.upstream,
    env: { CMP_API_KEYS: KEYS.join(","), CMP_CORS_ORIGINS: "https://ok.example", CMP_BODY_LIMIT: "64kb" },
  });
});

afterAll(async () => {
  recordCategory({
    category: "security: defaults (loopback, API keys, Host, CORS, body limit)",
    cases: attempts,
    failures,
  });
  const leaks = [...((await keyed?.close()) ?? []), ...((await open?.close()) ?? [])];
  expect(leaks).toEqual([]);
});

function count(ok: boolean): void {
  attempts += 1;
  if (!ok) failures += 1;
}

const get = (
  f: ProxyFixture,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<RawResponse> =>
  sendRequest({ baseUrl: f.server.baseUrl, method, path, headers, timeoutMs: 10_000 });

describe("loopback by default", () => {
  it("listens on 127.0.0.1 only: other addresses of this machine refuse the connection", async () => {
    expect(open.server.host).toBe("127.0.0.1");
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === "IPv4")
      .map((a) => a!.address);
    for (const address of others) {
      const res = await sendRequest({
        baseUrl: `http://${address}:${open.server.port}`,
        method: "GET",
        path: "/health",
        timeoutMs: 3_000,
      });
      count(res.status === 0);
      expect(res.status, `reachable on ${address}`).toBe(0);
    }
    count(true);
  });

  it.each(["0.0.0.0", "::", "192.0.2.10"])(
    "refuses to start on CMP_HOST=%s without CMP_API_KEYS, with a message naming it",
    async (host) => {
      const home = createTempHome("refuse");
      try {
        const started = startServerProcess({ home, env: { CMP_HOST: host }, startTimeoutMs: 15_000 });
        const error = await started.then(
          (server) => {
            void server.kill();
            return null;
          },
          (e: unknown) => e as Error,
        );
        count(error !== null);
        expect(error, "the server must not listen").not.toBeNull();
        expect(error?.message).toContain("CMP_API_KEYS");
        expect(error?.message).toMatch(/exited \((?!0\))/);
      } finally {
        removeTempHome(home);
      }
    },
  );
});

describe("API keys", () => {
  const routes: Array<[string, string]> = [
    ["GET", "/v1/models"],
    ["GET", "/models"],
    ["GET", "/v1/models/gpt-5.4"],
    ["GET", "/v1/status"],
    ["GET", "/status"],
    ["GET", "/v1/management/events"],
    ["POST", "/v1/chat/completions"],
    ["POST", "/chat/completions"],
    ["POST", "/v1/responses"],
    ["POST", "/responses"],
    ["GET", "/V1/MODELS"],
    ["GET", "/v1//models"],
    ["GET", "/v1/models/"],
    ["GET", "/%76%31/models"],
    ["GET", "/v1/./models"],
    ["GET", "/health/../v1/status"],
    ["GET", "/health/%2e%2e/v1/status"],
    ["GET", "/v1/models;health"],
    ["GET", "//v1/status"],
    ["GET", "/v1/status?path=/health"],
    ["GET", "/profile/openwebui/v1/models"],
    ["GET", "/v1/v1/status"],
    ["GET", "/HEALTH/../v1/status"],
  ];
  const wrongCredentials: Array<[string, Record<string, string>]> = [
    ["none", {}],
    ["wrong bearer", { authorization: "Bearer sk-wrong" }],
    ["key with a suffix", { authorization: `Bearer ${KEYS[0]}x` }],
    ["key prefix", { authorization: `Bearer ${KEYS[0].slice(0, -1)}` }],
    ["key in upper case", { authorization: `Bearer ${KEYS[0].toUpperCase()}` }],
    ["both keys joined", { authorization: `Bearer ${KEYS.join(",")}` }],
    ["basic auth", { authorization: `Basic ${Buffer.from(`user:${KEYS[0]}`).toString("base64")}` }],
    ["key without Bearer", { authorization: KEYS[0] }],
    ["empty bearer", { authorization: "Bearer " }],
    ["wrong x-api-key", { "x-api-key": "sk-wrong" }],
    ["wrong bearer with a right x-api-key", { authorization: "Bearer sk-wrong", "x-api-key": KEYS[1] }],
    ["key in a cookie", { cookie: `api_key=${KEYS[0]}` }],
  ];

  it("refuses every protected route, path trick and wrong credential with 401 (or a JSON 404), never data", async () => {
    for (const [method, path] of routes) {
      for (const [what, headers] of wrongCredentials) {
        const res = await get(keyed, path, { "content-type": "application/json", ...headers }, method);
        const ok =
          (res.status === 401 || res.status === 404) && checkReply(res, "other", keyed.secrets).length === 0;
        count(ok);
        expect(ok, `${method} ${path} with ${what}: ${res.status} ${res.text.slice(0, 120)}`).toBe(true);
      }
    }
    const query = await get(keyed, `/v1/models?api_key=${KEYS[0]}`);
    count(query.status === 401);
    expect(query.status, "a key in the query string is not accepted").toBe(401);
  });

  it("accepts each configured key as Bearer or x-api-key, and leaves /health and GET / open", async () => {
    const accepted: Array<Record<string, string>> = [
      { authorization: `Bearer ${KEYS[0]}` },
      { authorization: `bearer ${KEYS[1]}` },
      { "x-api-key": KEYS[1] },
    ];
    for (const headers of accepted) {
      const res = await get(keyed, "/v1/models", headers);
      count(res.status === 200);
      expect(res.status).toBe(200);
    }
    for (const path of ["/health", "/"]) {
      const res = await get(keyed, path);
      count(res.status === 200);
      expect(res.status, path).toBe(200);
      expect(checkReply(res, "other", keyed.secrets)).toEqual([]);
    }
  });
});

describe("Host check on loopback (DNS rebinding)", () => {
  const foreign = [
    "evil.example",
    "evil.example:8083",
    "localhost.evil.example",
    "127.0.0.1.evil.example",
    "127.0.0.2",
    "[::2]:80",
    "localhost@evil.example",
    "0.0.0.0",
    "",
  ];
  const local = ["localhost", `localhost:${1}`, "127.0.0.1:9", "[::1]:8083", "LOCALHOST:8083"];

  it("refuses API and management requests for any other Host with 403", async () => {
    for (const host of foreign) {
      for (const [method, path] of [
        ["GET", "/v1/models"],
        ["GET", "/v1/status"],
        ["POST", "/v1/chat/completions"],
        ["GET", "/v1/management/events"],
      ] as const) {
        const res = await get(open, path, { host, "content-type": "application/json" }, method);
        const ok = res.status === 403 || (host === "" && res.status === 400);
        count(ok);
        expect(ok, `${method} ${path} with Host "${host}": ${res.status}`).toBe(true);
        if (res.status === 403) expect(errorCodeOf(res)).toBe("host_not_allowed");
      }
    }
  });

  it("accepts the loopback names with any port", async () => {
    for (const host of local) {
      const res = await get(open, "/v1/models", { host });
      count(res.status === 200);
      expect(res.status, host).toBe(200);
    }
  });
});

describe("no CORS unless configured; no cross-site writes", () => {
  it("sends no CORS header to a foreign origin, by default or when other origins are configured", async () => {
    const preflight = {
      origin: "https://evil.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, authorization",
    };
    for (const f of [open, keyed]) {
      for (const res of [
        await get(f, "/v1/chat/completions", preflight, "OPTIONS"),
        await get(f, "/v1/models", { origin: "https://evil.example", authorization: `Bearer ${KEYS[0]}` }),
        await get(f, "/health", { origin: "null" }),
        await get(f, "/v1/models", {
          origin: "https://ok.example.evil.example",
          authorization: `Bearer ${KEYS[0]}`,
        }),
      ]) {
        const cors = Object.keys(res.headers).filter((h) => h.startsWith("access-control-"));
        count(cors.length === 0);
        expect(cors, `CORS headers to a foreign origin (${res.status})`).toEqual([]);
      }
    }
    const allowed = await get(keyed, "/v1/models", {
      origin: "https://ok.example",
      authorization: `Bearer ${KEYS[0]}`,
    });
    count(allowed.headers["access-control-allow-origin"] === "https://ok.example");
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://ok.example");
  });

  it("never forwards a body a web page can send without a preflight (text/plain, form, multipart)", async () => {
    const before = open.upstream.codex.requests.length;
    const body = JSON.stringify({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "spend my quota" }],
    });
    for (const type of [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const res = await sendRequest({
        baseUrl: open.server.baseUrl,
        path: "/v1/chat/completions",
        headers: { "content-type": type, origin: "https://evil.example" },
        body,
      });
      count(res.status >= 400 && res.status < 500);
      expect(res.status, type).toBeGreaterThanOrEqual(400);
      expect(res.status, type).toBeLessThan(500);
    }
    expect(open.upstream.codex.requests.filter((r) => r.path.endsWith("/responses")).length).toBe(
      open.upstream.codex.requests.slice(0, before).filter((r) => r.path.endsWith("/responses")).length,
    );
  });
});

describe("body limit", () => {
  const auth = { authorization: `Bearer ${KEYS[0]}`, "content-type": "application/json" };
  const padded = (bytes: number) =>
    JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "x".repeat(bytes) }] });

  it("answers 413 to a body over CMP_BODY_LIMIT, sent whole, chunked or gzip-compressed, and serves one under it", async () => {
    const over = padded(70 * 1024);
    const cases: Array<[string, RawResponse]> = [
      [
        "content-length",
        await sendRequest({
          baseUrl: keyed.server.baseUrl,
          path: "/v1/chat/completions",
          headers: auth,
          body: over,
        }),
      ],
      [
        "chunked",
        await sendRequest({
          baseUrl: keyed.server.baseUrl,
          path: "/v1/chat/completions",
          headers: { ...auth, "transfer-encoding": "chunked" },
          body: over,
        }),
      ],
      [
        "gzip bomb",
        await sendRequest({
          baseUrl: keyed.server.baseUrl,
          path: "/v1/chat/completions",
          headers: { ...auth, "content-encoding": "gzip" },
          body: gzipSync(padded(8 * 1024 * 1024)),
        }),
      ],
    ];
    for (const [what, res] of cases) {
      const ok = res.status === 413 && errorCodeOf(res) === "request_too_large";
      count(ok);
      expect(ok, `${what}: ${res.status} ${res.error ?? ""} ${res.text.slice(0, 100)}`).toBe(true);
    }
    const under = await sendRequest({
      baseUrl: keyed.server.baseUrl,
      path: "/v1/chat/completions",
      headers: auth,
      body: padded(32 * 1024),
    });
    count(under.status === 200);
    expect(under.status).toBe(200);
  });

  it("applies the 50 MB default", async () => {
    const res = await sendRequest({
      baseUrl: open.server.baseUrl,
      path: "/v1/chat/completions",
      headers: { "content-type": "application/json" },
      body: Buffer.alloc(51 * 1024 * 1024, 0x20),
      timeoutMs: 30_000,
    });
    count(res.status === 413);
    expect(res.status, `${res.error ?? ""}`).toBe(413);
  });
});

describe("no secrets in answers", () => {
  it("keeps tokens out of /health, /v1/status, /v1/models and the management stream", async () => {
    const events = sendRequest({
      baseUrl: open.server.baseUrl,
      method: "GET",
      path: "/v1/management/events",
      timeoutMs: 3_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await postChat(open.server.baseUrl);
    await postChat(open.server.baseUrl, { stream: true });
    const stream = await events;
    expect(stream.status).toBe(200);
    expect(stream.text, "the management stream carried the requests").toContain("request");
    count(open.secrets.findIn(stream.text).length === 0);
    expect(open.secrets.findIn(stream.text)).toEqual([]);
    for (const path of ["/health", "/v1/status", "/v1/models", "/"]) {
      const res = await get(open, path);
      const problems = checkReply(res, "other", open.secrets);
      count(problems.length === 0);
      expect(problems, path).toEqual([]);
    }
  });
});
