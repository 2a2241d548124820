import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

// 1,000 malformed Messages bodies, made from a valid one by a seeded generator (the same bodies on every
// run): each must be answered in Anthropic's error shape with a 4xx, never a 5xx, and the server must
// keep answering.

const SEED = 0x20261205;
const CASES = 1_000;

/** mulberry32: a small seeded generator, so a failing case can be replayed by its index. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const validBody = () => ({
  model: "claude-sonnet-4-5",
  max_tokens: 100,
  system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
  metadata: { user_id: "user_1" },
  stop_sequences: ["END"],
  thinking: { type: "enabled", budget_tokens: 2000 },
  tools: [{ name: "get_weather", input_schema: { type: "object", properties: {} } }],
  tool_choice: { type: "auto" },
  messages: [
    { role: "user", content: [{ type: "text", text: "Weather?" }] },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "21C" }] },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
      ],
    },
  ],
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const JUNK: Json[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  "",
  "x".repeat(300),
  [],
  [null],
  {},
  { type: "bogus" },
  { type: "text" },
  { type: "image", source: { type: "base64" } },
  { type: "tool_result" },
  { role: "system", content: "x" },
];

/** Every path to a value inside `value` (object keys and array indexes). */
function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (typeof value !== "object" || value === null) return out;
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  for (const key of keys) {
    const path = [...prefix, key];
    out.push(path);
    paths((value as Record<string | number, Json>)[key] as Json, path, out);
  }
  return out;
}

/** One malformed body: a valid one with 1–3 values deleted or replaced by junk, or a body that is not an object. */
function malformed(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const roll = next();
  if (roll < 0.05) return pick(["", "{", "[1,2]", "42", '"text"', "null", '{"model":', "{'a':1}"]);
  const body = validBody() as unknown as Json;
  const mutations = 1 + Math.floor(next() * 3);
  for (let m = 0; m < mutations; m++) {
    const path = pick(paths(body));
    let parent = body as Record<string | number, Json>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
    const last = path[path.length - 1] as string | number;
    if (typeof parent !== "object" || parent === null) continue;
    if (next() < 0.3 && !Array.isArray(parent)) delete parent[last];
    else parent[last] = structuredClone(pick(JUNK));
  }
  return JSON.stringify(body);
}

const ANTHROPIC_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "rate_limit_error",
]);

let harness: Harness;
let server: Server;
let base: string;
beforeAll(async () => {
  harness = await createHarness({ scenario: "text" });
  server = createServer(harness.app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await harness.close();
});

describe("malformed Messages bodies (seeded fuzz)", () => {
  it(`answers ${CASES} of them with Anthropic's 4xx error shape, never a 5xx`, async () => {
    const next = random(SEED);
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const body = malformed(next);
      const path = i % 5 === 4 ? "/v1/messages/count_tokens" : "/v1/messages";
      const response = await fetch(base + path, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body,
      });
      const text = await response.text();
      const context = `case ${i} (${path}): ${body.slice(0, 300)} → ${response.status} ${text.slice(0, 300)}`;
      expect(response.status, context).toBeLessThan(500);
      if (response.status < 400) continue;
      refused++;
      const parsed = JSON.parse(text) as { type?: unknown; error?: { type?: unknown; message?: unknown } };
      expect(parsed.type, context).toBe("error");
      expect(ANTHROPIC_TYPES.has(String(parsed.error?.type)), context).toBe(true);
      expect(typeof parsed.error?.message, context).toBe("string");
    }
    // The generator must mostly produce bodies that are refused, or it tests little.
    expect(refused).toBeGreaterThan(CASES * 0.6);
    const alive = await fetch(`${base}/health`);
    expect(alive.status).toBe(200);
    // A thousand round trips: generous for a loaded 2-core machine; nothing here measures time.
  }, 180_000);
});
