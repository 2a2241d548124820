import { createServer } from "node:net";
import type { Scenario, ScenarioInput } from "@cmp/testkit";
import { DEFAULT_REPLY_TEXT } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextOf, endsWithDone, errorCodeOf, postChat } from "../harness/chat-request.js";
import { sendRequest } from "../harness/http-request.js";
import { type ProxyFixture, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkReply } from "../harness/reply-check.js";
import { recordCategory } from "../summary.js";

/** One injected upstream fault and what the client must see, per mode. */
interface FaultCase {
  fault: string;
  scenario: ScenarioInput;
  /** Expected HTTP status and error code; `null` code = a successful reply with the default text. */
  json: { status: number; code: string | null };
  /** For `stream: true`: `sse` = 200 then an error event (or the text) and [DONE]; else the same as json. */
  stream: { status: number | number[]; code: string | null };
  /** Upstream attempts for one client request (retries included). */
  attempts?: number;
}

const html502: Scenario = {
  status: 502,
  headers: { "content-type": "text/html" },
  body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
};

function burst(failures: number, failure: Scenario | string): ScenarioInput {
  let seen = 0;
  return () => (seen++ < failures ? failure : "text");
}

const cases: Array<FaultCase & { make?: () => ScenarioInput }> = [
  {
    fault: "resets the connection mid-stream",
    scenario: "reset",
    json: { status: 502, code: "upstream_unreachable" },
    stream: { status: 200, code: "upstream_unreachable" },
  },
  {
    fault: "stalls after the headers (idle timeout)",
    scenario: "stall",
    json: { status: 504, code: "upstream_timeout" },
    stream: { status: 504, code: "upstream_timeout" },
  },
  {
    fault: "answers slowly (100 ms per event)",
    scenario: "slow",
    json: { status: 200, code: null },
    stream: { status: 200, code: null },
  },
  {
    fault: "ends the stream without a terminal event",
    scenario: "cut",
    json: { status: 502, code: "stream_incomplete" },
    stream: { status: 200, code: "stream_incomplete" },
  },
  {
    fault: "answers a Cloudflare HTML page (403)",
    scenario: "cloudflare",
    json: { status: 502, code: "upstream_blocked" },
    stream: { status: 502, code: "upstream_blocked" },
    attempts: 1,
  },
  {
    fault: "answers HTML 502 on every attempt",
    scenario: html502,
    json: { status: 502, code: "upstream_blocked" },
    stream: { status: 502, code: "upstream_blocked" },
    attempts: 3,
  },
  {
    fault: "answers 503 on every attempt",
    scenario: "unavailable",
    json: { status: 503, code: "upstream_unavailable" },
    stream: { status: 503, code: "upstream_unavailable" },
    attempts: 3,
  },
  {
    fault: "fails a burst of two 500s, then recovers",
    scenario: "text",
    make: () => burst(2, "server-error"),
    json: { status: 200, code: null },
    stream: { status: 200, code: null },
    attempts: 3,
  },
  {
    fault: "fails a burst of two 502s, then recovers",
    scenario: "text",
    make: () => burst(2, "bad-gateway"),
    json: { status: 200, code: null },
    stream: { status: 200, code: null },
    attempts: 3,
  },
  {
    fault: "sends an overloaded error event mid-stream",
    scenario: "error-event",
    json: { status: 503, code: "upstream_unavailable" },
    stream: { status: [200, 503], code: "upstream_unavailable" },
  },
  {
    fault: "fails the response (context too long)",
    scenario: "failed",
    json: { status: 400, code: "context_length_exceeded" },
    stream: { status: 400, code: "context_length_exceeded" },
  },
  {
    fault: "answers 429 usage limit",
    scenario: "usage-limit",
    json: { status: 429, code: "usage_limit_reached" },
    stream: { status: 429, code: "usage_limit_reached" },
    attempts: 1,
  },
];

let fixture: ProxyFixture;
let tried = 0;
let failed = 0;

beforeAll(async () => {
  fixture = await startProxyFixture({ env: { CMP_UPSTREAM_TIMEOUT_MS: "1500" } });
});

afterAll(async () => {
  recordCategory({
    category: "faults: upstream (reset, stall, slow, cut, HTML, 5xx bursts, 429, stream errors)",
    cases: tried,
    failures: failed,
  });
  const leaks = await fixture?.close();
  expect(leaks ?? []).toEqual([]);
});

const responsesCalls = () =>
  fixture.upstream.codex.requests.filter((r) => r.path.endsWith("/responses")).length;

describe("upstream faults: the client gets an OpenAI error it can act on, the server keeps serving", () => {
  for (const c of cases) {
    for (const stream of [false, true]) {
      const expected = stream ? c.stream : c.json;
      it(`upstream ${c.fault} → ${[expected.status].flat().join(" or ")} ${expected.code ?? "ok"} (stream: ${stream})`, async () => {
        tried += 1;
        try {
          fixture.upstream.codex.setScenario(c.make ? c.make() : c.scenario);
          const before = responsesCalls();
          const res = await postChat(fixture.server.baseUrl, { stream, timeoutMs: 30_000 });
          expect(checkReply(res, "chat", fixture.secrets)).toEqual([]);
          expect([expected.status].flat()).toContain(res.status);
          if (expected.code === null) expect(chatTextOf(res)).toBe(DEFAULT_REPLY_TEXT);
          else expect(errorCodeOf(res)).toBe(expected.code);
          if (stream && res.status === 200) expect(endsWithDone(res)).toBe(true);
          if (c.attempts !== undefined)
            expect(responsesCalls() - before, "upstream attempts").toBe(c.attempts);
          if (expected.code === "usage_limit_reached")
            expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
          const health = await sendRequest({
            baseUrl: fixture.server.baseUrl,
            method: "GET",
            path: "/health",
          });
          expect(health.status).toBe(200);
        } catch (error) {
          failed += 1;
          throw error;
        }
      });
    }
  }
});

describe("upstream refuses connections", () => {
  it("answers 502 upstream_unreachable quickly, for streaming and non-streaming requests", async () => {
    tried += 1;
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : 1));
      });
    });
    const dead = await startProxyFixture({
      upstream: fixture.upstream,
      env: { CMP_UPSTREAM_URL: `http://127.0.0.1:${port}/backend-api/codex` },
    });
    try {
      for (const stream of [false, true]) {
        const res = await postChat(dead.server.baseUrl, { stream, timeoutMs: 30_000 });
        expect(checkReply(res, "chat", dead.secrets)).toEqual([]);
        expect(res.status).toBe(502);
        expect(errorCodeOf(res)).toBe("upstream_unreachable");
      }
    } catch (error) {
      failed += 1;
      throw error;
    } finally {
      expect(await dead.close()).toEqual([]);
    }
  });
});
