import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

// 1,000 malformed Ollama bodies (seeded, so a failure reproduces): each must be a 4xx with Ollama's
// `{"error": "…"}` body, never a 5xx, never a crash, and never reach the backend.

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

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);
const THINK_LEVELS = new Set(["low", "medium", "high", "max"]);

const notArray = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.dictionary(fc.string(), fc.integer()));
const notString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer()),
  fc.dictionary(fc.string(), fc.integer()),
);
const notBoolean = fc.oneof(
  fc.integer(),
  fc.string(),
  fc.array(fc.boolean()),
  fc.dictionary(fc.string(), fc.boolean()),
);
const notObject = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer(), { minLength: 1 }));
/** Strings that are not base64 (a character outside the alphabet) and not a data URL. */
const notBase64 = fc
  .string({ minLength: 1 })
  .map((s) => `${s}!`)
  .filter((s) => !s.startsWith("data:"));

type Body = Record<string, unknown>;
type Mutation = fc.Arbitrary<(body: Body) => Body>;

const set = (key: string, values: fc.Arbitrary<unknown>): Mutation =>
  values.map((value) => (body: Body) => ({ ...body, [key]: value }));

const setInMessage = (key: string, values: fc.Arbitrary<unknown>): Mutation =>
  values.map((value) => (body: Body) => {
    const messages = Array.isArray(body["messages"]) ? [...(body["messages"] as Body[])] : [{ role: "user" }];
    messages[0] = { ...(messages[0] ?? {}), [key]: value };
    return { ...body, messages };
  });

const chatMutations: Mutation[] = [
  set("model", fc.oneof(notString, fc.constant(""), fc.constant("   "), fc.constant(null))),
  set("messages", notArray),
  setInMessage(
    "role",
    fc.oneof(
      notString,
      fc.string().filter((s) => !ROLES.has(s.toLowerCase())),
    ),
  ),
  setInMessage("content", notString),
  setInMessage("images", fc.oneof(notArray, fc.array(notBase64, { minLength: 1 }), fc.constant(["AAAA"]))),
  setInMessage(
    "tool_calls",
    fc.oneof(
      notArray,
      fc.constant([{}]),
      fc.constant([{ function: { name: 7 } }]),
      fc.constant([{ function: {} }]),
    ),
  ),
  set("tools", fc.oneof(notArray, fc.constant([{ function: { name: 1 } }]), fc.constant([{ type: "code" }]))),
  set(
    "format",
    fc.oneof(
      fc.integer(),
      fc.array(fc.integer()),
      fc.string().filter((s) => s !== "json" && s !== ""),
    ),
  ),
  set(
    "think",
    fc.oneof(
      fc.integer(),
      fc.dictionary(fc.string(), fc.integer()),
      fc.string().filter((s) => !THINK_LEVELS.has(s)),
    ),
  ),
  set("options", notObject),
  set(
    "options",
    notString.filter((v) => typeof v !== "object" || Array.isArray(v)).map((stop) => ({ stop })),
  ),
  set("stream", notBoolean),
  set("keep_alive", fc.oneof(fc.boolean(), fc.array(fc.integer()), fc.dictionary(fc.string(), fc.integer()))),
  set("logprobs", fc.constant(true)),
];

const generateMutations: Mutation[] = [
  set("model", fc.oneof(notString, fc.constant(""))),
  set("prompt", notString),
  set("system", notString),
  set("suffix", fc.string({ minLength: 1 })),
  set("images", fc.oneof(notArray, fc.array(notBase64, { minLength: 1 }))),
  set("context", fc.oneof(notArray, fc.array(fc.string(), { minLength: 1 }))),
  set(
    "format",
    fc.oneof(
      fc.integer(),
      fc.string().filter((s) => s !== "json" && s !== ""),
    ),
  ),
  set(
    "think",
    fc.oneof(
      fc.integer(),
      fc.string().filter((s) => !THINK_LEVELS.has(s)),
    ),
  ),
  set("raw", notBoolean),
  set("stream", notBoolean),
];

const validChat: Body = {
  model: "gpt-5.4:latest",
  messages: [{ role: "user", content: "Hi" }],
  stream: true,
};
const validGenerate: Body = { model: "gpt-5.4", prompt: "Hi", stream: false };

/** One malformed request: a path and its JSON text. */
const malformed = fc.oneof(
  fc.array(fc.oneof(...chatMutations), { minLength: 1, maxLength: 3 }).map((mutations) => ({
    path: "/api/chat",
    text: JSON.stringify(mutations.reduce((b, m) => m(b), validChat)),
  })),
  fc.array(fc.oneof(...generateMutations), { minLength: 1, maxLength: 3 }).map((mutations) => ({
    path: "/api/generate",
    text: JSON.stringify(mutations.reduce((b, m) => m(b), validGenerate)),
  })),
  // Not a JSON object at all, or not JSON.
  fc
    .oneof(
      fc
        .jsonValue()
        .filter((v) => typeof v !== "object" || v === null || Array.isArray(v))
        .map((v) => JSON.stringify(v)),
      fc.constant("{"),
      fc.constant('{"model":'),
    )
    .chain((text) =>
      fc.constantFrom("/api/chat", "/api/generate", "/api/show").map((path) => ({ path, text })),
    ),
);

describe("malformed Ollama bodies", () => {
  it("answer 1,000 of them with a 4xx and Ollama's error body, without a call upstream", {
    timeout: 120_000,
  }, async () => {
    const samples = fc.sample(malformed, { numRuns: 1000, seed: 20261205 });
    const upstreamBefore = harness.upstreamBodies().length;
    const statuses = new Map<number, number>();
    for (const { path, text } of samples) {
      const res = await request(base).post(path).set("content-type", "application/json").send(text);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status < 400 || res.status >= 500) {
        throw new Error(
          `${path} ${text.slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      }
      expect(Object.keys(res.body as object)).toEqual(["error"]);
      expect(typeof (res.body as { error: unknown }).error).toBe("string");
    }
    expect(harness.upstreamBodies().length).toBe(upstreamBefore);
    expect([...statuses.keys()].every((status) => status >= 400 && status < 500)).toBe(true);
    // The server still answers normally afterwards.
    const ok = await request(base)
      .post("/api/generate")
      .send({ model: "gpt-5.4", prompt: "Hi", stream: false });
    expect(ok.status).toBe(200);
  });
});
