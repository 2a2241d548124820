import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import type { ReplyKind } from "../harness/reply-check.js";
import { chatBodyArb, hugeTextArb, responsesBodyArb, textArb } from "./body-arbitraries.js";

/** One generated HTTP request against the proxy. */
export interface FuzzCase {
  /** The fuzz category (for the summary). */
  category: "chat" | "responses" | "mutated" | "hostile-json" | "bytes" | "headers";
  /** A short description for failure reports. */
  label: string;
  kind: ReplyKind;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const JSON_HEADERS = { "content-type": "application/json" };
const CHAT_PATH = "/v1/chat/completions";
const RESPONSES_PATH = "/v1/responses";

function jsonCase(
  category: FuzzCase["category"],
  label: string,
  kind: ReplyKind,
  body: string | Buffer,
): FuzzCase {
  return {
    category,
    label,
    kind,
    path: kind === "responses" ? RESPONSES_PATH : CHAT_PATH,
    headers: JSON_HEADERS,
    body: Buffer.from(body),
  };
}

/** Sets the value found by walking `choices` through objects and arrays to `replacement` (in place). */
function setAtPath(root: Record<string, unknown>, choices: number[], replacement: unknown): string {
  let node: unknown = root;
  const path: string[] = [];
  for (const [depth, choice] of choices.entries()) {
    if (typeof node !== "object" || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[choice % keys.length]!;
    path.push(key);
    const child = (node as Record<string, unknown>)[key];
    if (depth === choices.length - 1 || typeof child !== "object" || child === null) {
      (node as Record<string, unknown>)[key] = replacement;
      return path.join(".");
    }
    node = child;
  }
  return path.join(".");
}

const mutatedArb: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.boolean(),
    chatBodyArb,
    responsesBodyArb,
    fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
    fc.oneof(fc.anything({ maxDepth: 2 }), textArb, fc.constantFrom(null, 0, -1, 1e308, true, [], {}, "")),
  )
  .map(([chat, chatBody, responsesBody, choices, replacement]) => {
    const body = chat ? chatBody : responsesBody;
    const where = setAtPath(body, choices, replacement);
    return jsonCase(
      "mutated",
      `${chat ? "chat" : "responses"} with ${where} replaced`,
      chat ? "chat" : "responses",
      JSON.stringify(body) ?? "null",
    );
  });

const user = (content: string) => `{"role":"user","content":${content}}`;
const chatText = (messages: string, extra = "") => `{"model":"gpt-5.4","messages":[${messages}]${extra}}`;

const hostileArb: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc
    .constantFrom(
      [
        "__proto__ at top level",
        `{"__proto__":{"stream":true,"polluted":"yes"},"model":"gpt-5.4","messages":[${user('"hi"')}]}`,
      ],
      [
        "constructor.prototype",
        `{"constructor":{"prototype":{"polluted":"yes"}},"model":"gpt-5.4","messages":[${user('"hi"')}]}`,
      ],
      ["__proto__ role", chatText(`{"__proto__":{"role":"system"},"content":"hi"}`)],
      [
        "__proto__ in tool schema",
        chatText(
          user('"hi"'),
          `,"tools":[{"type":"function","function":{"name":"f","parameters":{"__proto__":{"type":"object"}}}}]`,
        ),
      ],
      ["__proto__ in metadata", chatText(user('"hi"'), `,"metadata":{"__proto__":{"admin":"true"}}`)],
      ["duplicate keys", `{"model":"gpt-5.4","model":"nope","messages":[${user('"hi"')}],"messages":[]}`],
      ["NUL in model", `{"model":"gpt-5.4\\u0000","messages":[${user('"hi\\u0000there"')}]}`],
      ["lone surrogate escapes", chatText(user('"\\ud800\\udc00\\ud800"'))],
    )
    .map(([label, text]) => jsonCase("hostile-json", label, "chat", text)),
  fc
    .constantFrom(64, 1_000, 10_000, 100_000)
    .map((depth) =>
      jsonCase(
        "hostile-json",
        `content nested ${depth} deep`,
        "chat",
        chatText(user(`${"[".repeat(depth)}${"]".repeat(depth)}`)),
      ),
    ),
  fc
    .constantFrom(64, 1_000, 10_000, 100_000)
    .map((depth) =>
      jsonCase(
        "hostile-json",
        `tool schema nested ${depth} deep`,
        "chat",
        chatText(
          user('"hi"'),
          `,"tools":[{"type":"function","function":{"name":"f","parameters":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}}]`,
        ),
      ),
    ),
  fc
    .constantFrom(64, 10_000)
    .map((depth) =>
      jsonCase(
        "hostile-json",
        `responses input nested ${depth} deep`,
        "responses",
        `{"model":"gpt-5.4","input":${"[".repeat(depth)}${"]".repeat(depth)}}`,
      ),
    ),
  hugeTextArb.map((text) =>
    jsonCase(
      "hostile-json",
      `huge content (${text.length} chars)`,
      "chat",
      chatText(user(JSON.stringify(text))),
    ),
  ),
  hugeTextArb.map((text) =>
    jsonCase(
      "hostile-json",
      `huge model name (${text.length} chars)`,
      "chat",
      `{"model":${JSON.stringify(text)},"messages":[${user('"hi"')}]}`,
    ),
  ),
  fc
    .constantFrom(1_000, 5_000)
    .map((n) =>
      jsonCase(
        "hostile-json",
        `${n} messages`,
        "chat",
        chatText(Array.from({ length: n }, (_, i) => user(`"message ${i}"`)).join(",")),
      ),
    ),
  fc
    .constantFrom(1_000, 3_000)
    .map((n) =>
      jsonCase(
        "hostile-json",
        `${n} tools`,
        "chat",
        chatText(
          user('"hi"'),
          `,"tools":[${Array.from({ length: n }, (_, i) => `{"type":"function","function":{"name":"tool_${i}","parameters":{"type":"object"}}}`).join(",")}]`,
        ),
      ),
    ),
  fc
    .constantFrom(1_000, 5_000)
    .map((n) =>
      jsonCase(
        "hostile-json",
        `${n} stop strings / content parts`,
        "chat",
        chatText(
          user(`[${Array.from({ length: n }, () => '{"type":"text","text":"x"}').join(",")}]`),
          `,"stop":[${'"x",'.repeat(n)}"y"]`,
        ),
      ),
    ),
);

const invalidUtf8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0xaf],
  [0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
] as const;

const bytesArb: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc
    .constantFrom(...invalidUtf8)
    .map((bytes) =>
      jsonCase(
        "bytes",
        `invalid UTF-8 ${Buffer.from(bytes).toString("hex")} in content`,
        "chat",
        Buffer.concat([
          Buffer.from(`{"model":"gpt-5.4","messages":[{"role":"user","content":"a`),
          Buffer.from(bytes),
          Buffer.from(`b"}]}`),
        ]),
      ),
    ),
  fc
    .uint8Array({ maxLength: 200 })
    .map((bytes) => jsonCase("bytes", `${bytes.length} random bytes`, "chat", Buffer.from(bytes))),
  fc.tuple(chatBodyArb, fc.double({ min: 0, max: 1, noNaN: true })).map(([body, at]) => {
    const text = JSON.stringify(body);
    return jsonCase("bytes", "truncated JSON", "chat", text.slice(0, Math.floor(text.length * at)));
  }),
  fc
    .constantFrom(
      "",
      "null",
      "[]",
      "42",
      '"str"',
      "{}",
      "{",
      "}{",
      "[{}]",
      "\ufeff{}",
      "true",
      "NaN",
      "{'a':1}",
    )
    .map((text) => jsonCase("bytes", `body ${JSON.stringify(text)}`, "chat", text)),
  responsesBodyArb.map((body) =>
    jsonCase(
      "bytes",
      "responses JSON with trailing garbage",
      "responses",
      `${JSON.stringify(body)}\u0000garbage`,
    ),
  ),
);

const minimal = chatText(user('"hello"'));

const headersArb: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc
    .constantFrom(
      "text/plain",
      "application/json; charset=utf-16",
      "application/json; charset=latin1",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "",
      "application/json, text/html",
      "application/vnd.api+json",
      "*/*",
    )
    .map((type): FuzzCase => {
      const headers: Record<string, string> = type ? { "content-type": type } : {};
      return {
        category: "headers",
        label: `content-type ${type}`,
        kind: "chat",
        path: CHAT_PATH,
        headers,
        body: Buffer.from(minimal),
      };
    }),
  fc.constantFrom("gzip", "deflate", "br", "compress", "identity", "gzip, gzip").map((encoding) => {
    const raw = Buffer.from(minimal);
    const body = encoding === "gzip" ? gzipSync(raw) : encoding === "deflate" ? deflateSync(raw) : raw;
    return {
      category: "headers" as const,
      label: `content-encoding ${encoding}`,
      kind: "chat" as const,
      path: CHAT_PATH,
      headers: { ...JSON_HEADERS, "content-encoding": encoding },
      body,
    };
  }),
  fc
    .constantFrom<Record<string, string>[]>(
      { accept: "text/html" },
      { accept: "application/xml" },
      { "x-forwarded-for": "203.0.113.9", "x-forwarded-host": "evil.example" },
      { origin: "https://evil.example" },
      { authorization: "Bearer " },
      { authorization: "Basic Zm9vOmJhcg==" },
      { authorization: `Bearer ${"a".repeat(10_000)}` },
      { "x-api-key": "x".repeat(8_000) },
      { cookie: "a=b; ".repeat(500) },
      { "transfer-encoding": "identity" },
    )
    .map((extra) => ({
      category: "headers" as const,
      label: `headers ${Object.keys(extra).join(",")}`,
      kind: "chat" as const,
      path: CHAT_PATH,
      headers: { ...JSON_HEADERS, ...extra },
      body: Buffer.from(minimal),
    })),
  fc
    .constantFrom(
      ["GET", CHAT_PATH],
      ["PUT", RESPONSES_PATH],
      ["POST", "/v1/chat/completions/../../health"],
      ["POST", "/v1/%2e%2e/admin"],
      ["POST", "/v1/chat/completions?stream=true"],
      ["POST", `/v1/${"a".repeat(4_000)}`],
      ["DELETE", "/v1/models"],
      ["OPTIONS", CHAT_PATH],
      ["POST", "/v1/embeddings"],
      ["POST", "/v1/completions"],
    )
    .map(([method, path]) => ({
      category: "headers" as const,
      label: `${method} ${path.slice(0, 40)}`,
      kind: "other" as const,
      path,
      headers: { ...JSON_HEADERS, "x-method": method },
      body: Buffer.from(minimal),
    })),
);

/** Every fuzz category, weighted: mostly generated bodies, then mutations, hostile JSON, raw bytes and headers. */
export const fuzzCaseArb: fc.Arbitrary<FuzzCase> = fc.oneof(
  {
    weight: 6,
    arbitrary: chatBodyArb.map((b) => jsonCase("chat", "generated chat body", "chat", JSON.stringify(b))),
  },
  {
    weight: 3,
    arbitrary: responsesBodyArb.map((b) =>
      jsonCase("responses", "generated responses body", "responses", JSON.stringify(b)),
    ),
  },
  { weight: 4, arbitrary: mutatedArb },
  { weight: 2, arbitrary: hostileArb },
  { weight: 2, arbitrary: bytesArb },
  { weight: 2, arbitrary: headersArb },
);

/** The HTTP method of a case (method cases carry theirs in `x-method`). */
export function caseMethod(fuzzCase: FuzzCase): string {
  return fuzzCase.headers["x-method"] ?? "POST";
}
