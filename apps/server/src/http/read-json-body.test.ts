import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import pino from "pino";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "./read-json-body.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const chat = (extra: string) => `{"model":"gpt-5.4","messages":[{"role":"user","content":"hi"}]${extra}}`;
const nestedSchema = (depth: number) =>
  `,"tools":[{"type":"function","function":{"name":"f","parameters":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}}]`;

describe("request bodies the reliability fuzzer broke", () => {
  // Regression (reliability suite, fuzz "tool schema nested 10000 deep"): JSON.stringify overflowed the
  // stack in the upstream client → 500 internal_error.
  it("refuses JSON nested thousands of levels deep with a 400, before calling the upstream", async () => {
    harness = await createHarness();
    for (const depth of [10_000, 100_000]) {
      const res = await request(harness.app)
        .post("/v1/chat/completions")
        .set("Content-Type", "application/json")
        .send(chat(nestedSchema(depth)));
      expect(res.status, `depth ${depth}`).toBe(400);
      expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_request" });
      expect(res.body.error.message).toContain(String(MAX_JSON_DEPTH));
    }
    expect(harness.upstreamBodies()).toEqual([]);
    const ok = await request(harness.app)
      .post("/v1/chat/completions")
      .set("Content-Type", "application/json")
      .send(chat(nestedSchema(50)));
    expect(ok.status).toBe(200);
  });

  it("measures depth without recursion", () => {
    expect(exceedsJsonDepth({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: [{ b: {} }] }, 3)).toBe(true);
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(exceedsJsonDepth(deep, MAX_JSON_DEPTH)).toBe(true);
  });

  // Regression (reliability suite, fuzz "content-encoding br/gzip/deflate"): a body that does not match
  // its Content-Encoding made zlib throw → 500 internal_error.
  it("answers a body that does not match its Content-Encoding with a 400", async () => {
    harness = await createHarness();
    for (const encoding of ["gzip", "deflate", "br"]) {
      const res = await request(harness.app)
        .post("/v1/chat/completions")
        .set("Content-Type", "application/json")
        .set("Content-Encoding", encoding)
        .send(chat(""));
      expect(res.status, encoding).toBe(400);
      expect(res.body.error.code, encoding).toBe("invalid_encoding");
    }
  });

  // Regression (reliability suite, security/server-defaults log scan): the request log wrote the raw URL,
  // query string included, so a key a client put in the URL reached the log.
  it("logs request paths without their query string", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    harness = await createHarness({
      config: { apiKeys: ["key-one"] },
      logger: pino({ level: "debug" }, sink),
    });
    await request(harness.app)
      .get("/v1/models?api_key=sk-secret-in-url")
      .set("Authorization", "Bearer key-one");
    await request(harness.app).get("/v1/status?token=sk-other-secret");
    const log = lines.join("");
    expect(log).toContain('"path":"/v1/models"');
    expect(log).not.toContain("sk-secret-in-url");
    expect(log).not.toContain("sk-other-secret");
  });
});

describe("readJsonBody", () => {
  it("refuses a gzip bomb with a 413 without inflating it whole, and reads gzip bodies under the limit", async () => {
    harness = await createHarness({ config: { bodyLimitBytes: 64 * 1024 } });
    const server = createServer(harness.app).listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
    const post = (body: Buffer) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body,
      });
    try {
      const res = await post(gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)));
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
      expect((await post(gzipSync(chat("")))).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it("answers 415 to another charset or an unknown Content-Encoding", async () => {
    harness = await createHarness();
    const latin = await request(harness.app)
      .post("/v1/chat/completions")
      .set("Content-Type", "application/json; charset=latin1")
      .send(chat(""));
    expect(latin.status).toBe(415);
    const zstd = await request(harness.app)
      .post("/v1/chat/completions")
      .set("Content-Type", "application/json")
      .set("Content-Encoding", "zstd")
      .send(chat(""));
    expect(zstd.status).toBe(415);
    expect(zstd.body.error.code).toBe("unsupported_encoding");
  });
});
