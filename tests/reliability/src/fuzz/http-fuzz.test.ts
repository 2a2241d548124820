import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sendRequest } from "../harness/http-request.js";
import { type ProxyFixture, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkReply } from "../harness/reply-check.js";
import { readSizes } from "../sizes.js";
import { recordCategory } from "../summary.js";
import { caseMethod, type FuzzCase, fuzzCaseArb } from "./fuzz-cases.js";

const sizes = readSizes();
const seed = inject("fuzzSeed");
// Upstream answers vary with the request, so success paths of every kind are exercised.
const SCENARIOS = [
  "text",
  "echo",
  "reasoning",
  "tools",
  "parallel-tools",
  "tools-no-deltas",
  "incomplete",
  "failed",
  "error-event",
  "cut",
  "usage-limit",
  "official-fixture",
];

function pickScenario(text: string): string {
  let hash = 0;
  for (let i = 0; i < Math.min(text.length, 64); i += 1) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return SCENARIOS[Math.abs(hash) % SCENARIOS.length]!;
}

const CONCURRENCY = 4;
let fixture: ProxyFixture;

beforeAll(async () => {
  fixture = await startProxyFixture();
  fixture.upstream.codex.setScenario((req) => pickScenario(req.lastUserText));
});

afterAll(async () => {
  const leaks = await fixture?.close();
  expect(leaks ?? []).toEqual([]);
});

async function runCase(fuzzCase: FuzzCase): Promise<string[]> {
  const { "x-method": _method, ...headers } = fuzzCase.headers;
  const res = await sendRequest({
    baseUrl: fixture.server.baseUrl,
    method: caseMethod(fuzzCase),
    path: fuzzCase.path,
    headers,
    body: fuzzCase.body,
    timeoutMs: 30_000,
  });
  return checkReply(res, fuzzCase.kind, fixture.secrets);
}

describe("HTTP fuzzing of /v1/chat/completions and /v1/responses", () => {
  it(
    `answers ${sizes.httpFuzzCases} generated and mutated requests with a completion or an OpenAI error (seed ${seed})`,
    async () => {
      const failures: string[] = [];
      const perCategory = new Map<string, { cases: number; failures: number }>();
      const batches = Math.ceil(sizes.httpFuzzCases / sizes.httpFuzzBatch);
      for (let batch = 0; batch < batches; batch += 1) {
        const cases = fc.sample(fuzzCaseArb, { seed: seed + batch, numRuns: sizes.httpFuzzBatch });
        let next = 0;
        const worker = async () => {
          for (let index = next++; index < cases.length; index = next++) {
            const fuzzCase = cases[index]!;
            const problems = await runCase(fuzzCase);
            const stats = perCategory.get(fuzzCase.category) ?? { cases: 0, failures: 0 };
            stats.cases += 1;
            if (problems.length > 0) {
              stats.failures += 1;
              failures.push(
                `[batch ${batch} case ${index}] ${fuzzCase.category}: ${fuzzCase.label}: ${problems.join("; ")}`,
              );
            }
            perCategory.set(fuzzCase.category, stats);
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        expect(
          fixture.server.isRunning(),
          `server exited during batch ${batch}:\n${fixture.server.output().slice(-2_000)}`,
        ).toBe(true);
        const health = await sendRequest({
          baseUrl: fixture.server.baseUrl,
          method: "GET",
          path: "/health",
          timeoutMs: 10_000,
        });
        expect(health.status, `/health after batch ${batch}`).toBe(200);
      }
      for (const [category, stats] of perCategory) {
        recordCategory({
          category: `fuzz: HTTP ${category}`,
          cases: stats.cases,
          failures: stats.failures,
          seed,
        });
      }
      expect(failures.slice(0, 30), `replay with CMP_FUZZ_SEED=${seed}`).toEqual([]);
    },
    sizes.httpFuzzCases * 200 + 60_000,
  );

  it("is not polluted by __proto__ keys: a normal request afterwards is answered normally", async () => {
    for (const text of [
      '{"__proto__":{"stream":true,"model":"nope"},"model":"gpt-5.4","messages":[{"role":"user","content":"hi"}]}',
      '{"constructor":{"prototype":{"stream":true}},"model":"gpt-5.4","messages":[{"role":"user","content":"hi"}]}',
    ]) {
      await sendRequest({
        baseUrl: fixture.server.baseUrl,
        path: "/v1/chat/completions",
        headers: { "content-type": "application/json" },
        body: text,
      });
    }
    fixture.upstream.codex.setScenario("text");
    const res = await sendRequest({
      baseUrl: fixture.server.baseUrl,
      path: "/v1/chat/completions",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(String(res.headers["content-type"])).toContain("application/json");
    expect(JSON.parse(res.text)).toMatchObject({ object: "chat.completion" });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
