import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, sseData } from "../test-support/app-harness.js";

let harness: Harness | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await harness?.close();
  harness = undefined;
});

const chat = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] };

type Listener = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
const listener = (h: Harness) => h.app as unknown as Listener;

/** The same app with the fast path bypassed: a `next` callback sends every request through Express. */
function expressOnly(h: Harness) {
  return (req: IncomingMessage, res: ServerResponse) => listener(h)(req, res, () => {});
}

/** The app, noting for each request whether Express handled it (Express swaps the response's prototype). */
function watched(h: Harness, seen: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    res.once("finish", () => seen.push(Object.getPrototypeOf(res) === h.app.response ? "express" : "fast"));
    listener(h)(req, res);
  };
}

/** What a client sees of an answer, without the per-request ids and clocks. */
function visible(res: request.Response) {
  const body = res.headers["content-type"]?.startsWith("text/event-stream")
    ? sseData(res.text).map((e) => (typeof e === "object" && e !== null ? { ...e, id: "x", created: 0 } : e))
    : { ...res.body, id: "x", created: 0 };
  const headers = Object.fromEntries(
    Object.entries(res.headers).filter(([name]) => !["date", "x-request-id", "etag"].includes(name)),
  );
  return { status: res.status, headers, body };
}

describe("the fast path", () => {
  it("answers exactly as the Express route does, streaming or not, with and without errors", async () => {
    harness = await createHarness();
    const cases: Array<{ body: unknown; type?: string }> = [
      { body: chat },
      { body: { ...chat, stream: true, stream_options: { include_usage: true } } },
      { body: { ...chat, model: "no-such-model" } },
      { body: { messages: chat.messages } },
      { body: '{"model": "gpt-5.4", "messages": [', type: "application/json" },
      { body: [1, 2] },
      { body: "", type: "application/json" },
      { body: JSON.stringify(chat), type: "application/json; charset=utf-8" },
      {
        body: `{"model":"gpt-5.4","messages":[],"x":${"[".repeat(400)}${"]".repeat(400)}}`,
        type: "application/json",
      },
    ];
    const seen: string[] = [];
    for (const { body, type } of cases) {
      const send = (app: Parameters<typeof request>[0]) => {
        const r = request(app).post("/v1/chat/completions");
        if (type) r.set("content-type", type);
        return r.send(body as string | object);
      };
      const fast = await send(watched(harness, seen));
      const slow = await send(expressOnly(harness));
      expect(visible(fast)).toEqual(visible(slow));
    }
    expect(seen).toEqual(cases.map(() => "fast"));
  });

  it("answers /v1/responses exactly as the Express route does, streaming or not, with and without errors", async () => {
    harness = await createHarness();
    const input = { model: "gpt-5.4", input: "hi" };
    const cases: unknown[] = [
      input,
      { ...input, stream: true },
      { ...input, model: "no-such-model" },
      { input: "hi" },
      { ...input, input: 42 },
    ];
    const seen: string[] = [];
    for (const body of cases) {
      const send = (app: Parameters<typeof request>[0]) =>
        request(app)
          .post("/v1/responses")
          .send(body as object);
      const fast = await send(watched(harness, seen));
      const slow = await send(expressOnly(harness));
      const strip = (v: ReturnType<typeof visible>) =>
        JSON.parse(
          JSON.stringify(v)
            .replace(/(resp|msg|rs|fc)_[\w-]+/g, "$1_x")
            .replace(/"created_at":\d+/g, '"created_at":0'),
        );
      expect(strip(visible(fast))).toEqual(strip(visible(slow)));
    }
    expect(seen).toEqual(cases.map(() => "fast"));
  });

  it("leaves requests it does not take to Express", async () => {
    harness = await createHarness({ config: { apiKeys: ["k1"] } });
    const seen: string[] = [];
    const app = watched(harness, seen);
    expect((await request(app).post("/v1/chat/completions").send(chat)).status).toBe(401);
    expect(
      (await request(app).post("/v1/chat/completions").set("authorization", "Bearer k1").send(chat)).status,
    ).toBe(200);
    expect(
      (await request(app).post("/v1/chat/completions?x=1").set("x-api-key", "k1").send(chat)).status,
    ).toBe(200);
    expect((await request(app).post("/chat/completions").set("x-api-key", "k1").send(chat)).status).toBe(200);
    const text = await request(app)
      .post("/v1/chat/completions")
      .set("x-api-key", "k1")
      .set("content-type", "text/plain")
      .send("hi");
    expect(text.status).toBe(415);
    const host = await request(app)
      .post("/v1/chat/completions")
      .set("host", "evil.example")
      .set("x-api-key", "k1")
      .send(chat);
    expect(host.status).toBe(403);
    expect(seen).toEqual(["express", "fast", "express", "express", "express", "express"]);
  });

  it("refuses an oversized body with 413 and keeps the connection usable", async () => {
    harness = await createHarness({ config: { bodyLimitBytes: 2000 } });
    server = http.createServer(harness.app);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (payload: string) =>
      new Promise<{ status: number; text: string; socket: unknown }>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", agent },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (text += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text, socket: req.socket }));
          },
        );
        req.setHeader("content-type", "application/json");
        req.on("error", reject);
        req.end(payload);
      });
    const big = await post(
      JSON.stringify({ ...chat, messages: [{ role: "user", content: "x".repeat(5000) }] }),
    );
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text).error.code).toBe("request_too_large");
    const ok = await post(JSON.stringify(chat));
    expect(ok.status).toBe(200);
    expect(ok.socket).toBe(big.socket);
    agent.destroy();
  });
});
