import { parseQuotaHeaders } from "@cmp/codex-client";
import { mapStreamFailure, mapUpstreamError, type OpenAIHttpError } from "@cmp/transform";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { errorCodeOf, postChat } from "../harness/chat-request.js";
import { sendRequest } from "../harness/http-request.js";
import { type ProxyFixture, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkErrorBody, checkReply } from "../harness/reply-check.js";
import { readSizes } from "../sizes.js";
import { recordCategory } from "../summary.js";
import {
  hostileErrorAnswerArb,
  hostileErrorObjectArb,
  hostileQuotaHeadersArb,
} from "./upstream-error-arbitraries.js";

const sizes = readSizes();
const seed = inject("fuzzSeed");
const now = Date.UTC(2026, 10, 27, 18, 0, 0);
// Node refuses a header value outside these characters; a mapped error's headers are sent as they are.
const VALID_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** What every mapped error must be: a sendable OpenAI error, with bounded headers and message. */
function checkMapped(error: OpenAIHttpError): void {
  expect(error.status).toBeGreaterThanOrEqual(400);
  expect(error.status).toBeLessThan(600);
  expect(error.status).not.toBe(500);
  expect(checkErrorBody(JSON.parse(JSON.stringify(error.toBody())))).toEqual([]);
  expect(error.message.length).toBeLessThan(2_000);
  for (const [name, value] of Object.entries(error.headers)) {
    expect(value, name).toMatch(VALID_HEADER_VALUE);
  }
  const retryAfter = error.headers["retry-after"];
  if (retryAfter !== undefined) {
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeLessThanOrEqual(366 * 86_400);
  }
}

/** A parsed quota snapshot must serialise (every date valid) and hold only plausible numbers. */
function checkQuota(headers: Record<string, string>): void {
  const snapshot = parseQuotaHeaders(headers, now);
  if (snapshot === null) return;
  expect(() => JSON.stringify(snapshot)).not.toThrow();
  for (const window of [snapshot.primary, snapshot.secondary]) {
    if (window === null) continue;
    expect(window.usedPercent).toBeGreaterThanOrEqual(0);
    expect(window.usedPercent).toBeLessThanOrEqual(100);
    if (window.resetsAt !== null)
      expect(Math.abs(window.resetsAt.getTime() - now)).toBeLessThanOrEqual(367 * 86_400_000);
  }
}

describe("fuzz: backend error answers and x-codex-* headers, in process", () => {
  const runs = sizes.upstreamErrorFuzzCases;
  it(`maps every hostile error answer, stream failure and quota header set without throwing (${runs} × 3 cases, seed ${seed})`, () => {
    let failures = 0;
    try {
      fc.assert(
        fc.property(hostileErrorAnswerArb, (answer) => {
          checkMapped(mapUpstreamError({ ...answer, now }));
          checkQuota(answer.headers);
        }),
        { numRuns: runs, seed },
      );
      fc.assert(
        fc.property(hostileErrorObjectArb, fc.boolean(), (error, failedEvent) => {
          const event = failedEvent
            ? { type: "response.failed" as const, response: { id: "r", error } }
            : { type: "error" as const, error };
          // The event types are validated by the SSE parser before they reach the mapper; the fuzz
          // hands it anything a JSON body can hold, as a broken validator would.
          checkMapped(mapStreamFailure(event as Parameters<typeof mapStreamFailure>[0], { now }));
        }),
        { numRuns: runs, seed },
      );
      fc.assert(
        fc.property(hostileQuotaHeadersArb, (headers) => checkQuota(headers)),
        { numRuns: runs, seed },
      );
    } catch (error) {
      failures = 1;
      throw error;
    } finally {
      recordCategory({
        category: "fuzz: backend error bodies and x-codex-* headers (mappers, quota parser)",
        cases: runs * 3,
        failures,
        seed,
      });
    }
  }, 300_000);
});

describe("fuzz: backend error answers and x-codex-* headers, through the server", () => {
  let fixture: ProxyFixture;
  beforeAll(async () => {
    fixture = await startProxyFixture({ env: { CMP_UPSTREAM_TIMEOUT_MS: "5000" } });
  });
  afterAll(async () => {
    expect((await fixture?.close()) ?? []).toEqual([]);
  });

  const runs = sizes.upstreamErrorServerCases;
  it(`answers each with an OpenAI error or the reply, never a 500, and /v1/status stays 200 (${runs} cases, seed ${seed})`, async () => {
    let failures = 0;
    try {
      await fc.assert(
        fc.asyncProperty(hostileErrorAnswerArb, fc.boolean(), fc.boolean(), async (answer, ok, stream) => {
          // Half the cases are a normal reply carrying the hostile headers, half an error answer.
          fixture.upstream.codex.setScenario(() =>
            ok
              ? textWith(answer.headers)
              : {
                  status: answer.status,
                  headers: { "content-type": "application/json", ...answer.headers },
                  body: answer.bodyText,
                },
          );
          const res = await postChat(fixture.server.baseUrl, { stream, timeoutMs: 30_000 });
          expect(res.timedOut, "the request hung").toBe(false);
          expect(checkReply(res, "chat", fixture.secrets)).toEqual([]);
          expect(res.status, `code ${errorCodeOf(res)}`).not.toBe(500);
          const status = await sendRequest({
            baseUrl: fixture.server.baseUrl,
            method: "GET",
            path: "/v1/status",
          });
          expect(status.status).toBe(200);
        }),
        { numRuns: runs, seed },
      );
    } catch (error) {
      failures = 1;
      throw error;
    } finally {
      recordCategory({
        category: "fuzz: backend error answers and x-codex-* headers through the server",
        cases: runs,
        failures,
        seed,
      });
    }
  }, 600_000);
});

/** The fake backend's normal text reply with extra response headers. */
function textWith(headers: Record<string, string>) {
  return {
    headers,
    events: [
      { type: "response.created", response: { id: "resp_fuzz" } },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "ok" }] },
      },
      { type: "response.completed", response: { id: "resp_fuzz" } },
    ],
  };
}
