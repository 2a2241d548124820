import { type HostileScenarioName, hostileScenarios } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextOf, endsWithDone, errorCodeOf, postChat } from "../harness/chat-request.js";
import { sendRequest } from "../harness/http-request.js";
import { type ProxyFixture, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkReply } from "../harness/reply-check.js";
import { recordCategory } from "../summary.js";

// Short limits, so that every hostile answer ends within seconds; generous margins on top of them,
// for a busy 2-core CI machine.
const IDLE_MS = 1_000;
const DEADLINE_MS = 2_500;
const KEEPALIVE_MS = 400;
/** The longest any case may take: the deadline (shared by the retries), plus slack. */
const WITHIN_MS = DEADLINE_MS + 12_000;
const ORIGIN = "http://app.example.test";

/** One hostile backend answer and what the client must get (`null` code: the normal text reply). */
interface HostileCase {
  scenario: HostileScenarioName;
  status: number;
  code: string | null;
  /** Upstream attempts for one client request. */
  attempts?: number;
  /** The longest the request may take, when tighter than {@link WITHIN_MS}. */
  withinMs?: number;
}

const cases: HostileCase[] = [
  { scenario: "usage-limit-absurd-reset", status: 429, code: "usage_limit_reached", attempts: 1 },
  { scenario: "usage-limit-absurd-reset-at", status: 429, code: "usage_limit_reached", attempts: 1 },
  { scenario: "stream-usage-limit-absurd-reset", status: 429, code: "usage_limit_reached" },
  { scenario: "rate-limit-absurd-retry-after", status: 429, code: "rate_limit_exceeded", attempts: 1 },
  { scenario: "stalled-error-body-500", status: 502, code: "upstream_error" },
  { scenario: "stalled-error-body-429", status: 429, code: "rate_limit_exceeded", attempts: 1 },
  { scenario: "stalled-error-body-401", status: 401, code: "reauth_required", attempts: 2 },
  { scenario: "trickling-error-body", status: 502, code: "upstream_error" },
  { scenario: "keep-alive-only", status: 504, code: "upstream_timeout" },
  { scenario: "trickling-stream", status: 504, code: "upstream_timeout" },
  { scenario: "bad-quota-reset-at", status: 200, code: null },
  { scenario: "bad-quota-numbers", status: 200, code: null },
  // A stalled head is not retried: one idle timeout, not three.
  { scenario: "stalled-head", status: 504, code: "upstream_timeout", attempts: 1, withinMs: IDLE_MS + 6_000 },
  { scenario: "huge-line", status: 502, code: "upstream_line_too_long" },
];

const env = {
  CMP_UPSTREAM_TIMEOUT_MS: String(IDLE_MS),
  CMP_UPSTREAM_DEADLINE_MS: String(DEADLINE_MS),
  CMP_SSE_KEEPALIVE_MS: String(KEEPALIVE_MS),
};

let plain: ProxyFixture;
let cors: ProxyFixture;
let tried = 0;
let failed = 0;

beforeAll(async () => {
  plain = await startProxyFixture({ env });
  cors = await startProxyFixture({ upstream: plain.upstream, env: { ...env, CMP_CORS_ORIGINS: ORIGIN } });
});

afterAll(async () => {
  recordCategory({
    category:
      "faults: hostile upstream (absurd numbers, stalled/trickling bodies, bad quota headers, stalled head, huge line)",
    cases: tried,
    failures: failed,
  });
  const leaks = [...((await cors?.close()) ?? []), ...((await plain?.close()) ?? [])];
  expect(leaks).toEqual([]);
});

const responsesCalls = (fixture: ProxyFixture) =>
  fixture.upstream.codex.requests.filter((r) => r.path.endsWith("/responses")).length;

/** The server still answers: `/health`, `/v1/status` (200, a JSON body) and the dashboard's snapshot. */
async function expectStillServing(fixture: ProxyFixture, headers: Record<string, string>): Promise<void> {
  const { baseUrl } = fixture.server;
  expect((await sendRequest({ baseUrl, method: "GET", path: "/health", headers })).status).toBe(200);
  const status = await sendRequest({ baseUrl, method: "GET", path: "/v1/status", headers });
  expect(status.status).toBe(200);
  expect(() => JSON.parse(status.text) as unknown).not.toThrow();
  const events = await sendRequest({
    baseUrl,
    method: "GET",
    path: "/v1/management/events",
    headers,
    abortAfterBytes: 1,
    timeoutMs: 10_000,
  });
  expect(events.status).toBe(200);
}

describe("a hostile upstream: a well-formed OpenAI error within the deadline, and the server keeps serving", () => {
  for (const withCors of [false, true]) {
    for (const c of cases) {
      for (const stream of withCors ? [false] : [false, true]) {
        const label = `${c.scenario} → ${c.status} ${c.code ?? "ok"} (stream: ${stream}${withCors ? ", CORS" : ""})`;
        it(label, async () => {
          tried += 1;
          const fixture = withCors ? cors : plain;
          const headers: Record<string, string> = withCors ? { origin: ORIGIN } : {};
          try {
            fixture.upstream.codex.setScenario(hostileScenarios[c.scenario]);
            const before = responsesCalls(fixture);
            const started = Date.now();
            const res = await postChat(fixture.server.baseUrl, { stream, headers, timeoutMs: 60_000 });
            const took = Date.now() - started;
            expect(res.timedOut, "the request hung").toBe(false);
            expect(took, "took longer than the documented deadline").toBeLessThan(c.withinMs ?? WITHIN_MS);
            expect(checkReply(res, "chat", fixture.secrets)).toEqual([]);
            expect(res.status).not.toBe(500);
            // A stream may have started with keep-alives before the failure: then 200 and a last error event.
            if (stream && res.status === 200 && c.code !== null) expect(endsWithDone(res)).toBe(true);
            else expect(res.status).toBe(c.status);
            if (c.code === null) expect(chatTextOf(res).length).toBeGreaterThan(0);
            else expect(errorCodeOf(res)).toBe(c.code);
            if (c.attempts !== undefined)
              expect(responsesCalls(fixture) - before, "upstream attempts").toBe(c.attempts);
            const retryAfter = res.headers["retry-after"];
            if (retryAfter !== undefined) expect(Number(retryAfter)).toBeLessThanOrEqual(366 * 86_400);
            if (withCors) expect(res.headers["access-control-allow-origin"]).toBe(ORIGIN);
            await expectStillServing(fixture, headers);
          } catch (error) {
            failed += 1;
            throw error;
          }
        }, 90_000);
      }
    }
  }
});
