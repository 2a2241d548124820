import { Agent } from "node:http";
import type { CodexRecordedRequest } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextOf } from "../harness/chat-request.js";
import { type RawResponse, readSseData, sendRequest } from "../harness/http-request.js";
import { type ProxyFixture, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkReply } from "../harness/reply-check.js";
import { readSizes } from "../sizes.js";
import { recordCategory } from "../summary.js";
import { median, startSampler } from "./resource-sampler.js";
import { replyFor, soakScenario, tagFor } from "./soak-traffic.js";

const sizes = readSizes();
const windowS = sizes.soakTokenWindowSeconds;
/**
 * The token lifetime that gives each token `windowS` of use before its refresh: the server refreshes
 * half a lifetime before `exp` (the 5-minute lead is capped at half the lifetime, so that short-lived
 * tokens are not refreshed on every request).
 */
const TOKEN_TTL_S = 2 * windowS;
const revokeAtMs = sizes.soakMs / 2 + (windowS * 1000) / 2;

type Kind = "chat-stream" | "chat-json" | "responses-stream" | "responses-json" | "chat-abort";
const KINDS: Kind[] = [
  "chat-stream",
  "chat-stream",
  "chat-stream",
  "chat-json",
  "chat-json",
  "chat-json",
  "responses-stream",
  "responses-json",
  "chat-abort",
  "chat-stream",
];

function responsesText(res: RawResponse, stream: boolean): string {
  if (stream) {
    let text = "";
    for (const data of readSseData(res.text)) {
      try {
        const event = JSON.parse(data) as { type?: string; delta?: string };
        if (event.type === "response.output_text.delta") text += event.delta ?? "";
      } catch {
        // [DONE] or noise
      }
    }
    return text;
  }
  try {
    const body = JSON.parse(res.text) as {
      output?: Array<{ type?: string; content?: Array<{ type?: string; text?: string }> }>;
    };
    return (body.output ?? [])
      .filter((item) => item.type === "message")
      .flatMap((item) => item.content ?? [])
      .filter((part) => part.type === "output_text")
      .map((part) => part.text ?? "")
      .join("");
  } catch {
    return "";
  }
}

let fixture: ProxyFixture;
const revoked = new Set<string>();
const TRIMMED: CodexRecordedRequest = {
  method: "",
  path: "",
  query: {},
  headers: {},
  rawBody: "",
  body: null,
  receivedAt: 0,
  accountId: null,
  authorized: false,
  sessionId: null,
  promptCacheKey: null,
};

beforeAll(async () => {
  fixture = await startProxyFixture({ accessTokenTtlSeconds: TOKEN_TTL_S });
  fixture.upstream.auth.configure({ accessTokenTtlSeconds: TOKEN_TTL_S });
  fixture.upstream.codex.setScenario((req) => soakScenario(req, revoked));
});

afterAll(async () => {
  const leaks = await fixture?.close();
  expect(leaks ?? []).toEqual([]);
});

describe("load and soak", () => {
  it(
    `serves ${sizes.soakConcurrency} concurrent mixed clients for ${sizes.soakMs / 1000} s through token expiries with no wrong reply, one refresh per expiry and no growth`,
    async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: sizes.soakConcurrency });
      const started = Date.now();
      const deadline = started + sizes.soakMs;
      const sampler = startSampler(fixture.server.pid);
      const stats = { total: 0, ok: 0, aborted: 0, wrong: [] as string[], failed: [] as string[] };
      let counter = 0;
      // The fake backend records every request (with its ~20 KB instructions): over a long soak that is
      // gigabytes. Keep the last few, after noting their bearer tokens for the secret scan.
      let trimmed = 0;
      const trimmer = setInterval(() => {
        const list = fixture.upstream.codex.requests;
        for (; trimmed < list.length - 500; trimmed += 1) {
          fixture.secrets.add(/^Bearer\s+(\S+)/i.exec(list[trimmed]?.headers["authorization"] ?? "")?.[1]);
          list[trimmed] = TRIMMED;
        }
      }, 1000);
      const revokeTimer = setTimeout(() => {
        const last = [...fixture.upstream.codex.requests].reverse().find((r) => r.headers["authorization"]);
        const token = /^Bearer\s+(\S+)/i.exec(last?.headers["authorization"] ?? "")?.[1];
        if (token) revoked.add(token);
      }, revokeAtMs);

      const one = async (): Promise<void> => {
        const n = counter++;
        const id = `r${n}`;
        const kind = KINDS[n % KINDS.length]!;
        const stream = kind !== "chat-json" && kind !== "responses-json";
        const responses = kind.startsWith("responses");
        const body = responses
          ? { model: "gpt-5.4", stream, input: [{ role: "user", content: `${tagFor(id)} please` }] }
          : { model: "gpt-5.4", stream, messages: [{ role: "user", content: `${tagFor(id)} please` }] };
        const res = await sendRequest({
          baseUrl: fixture.server.baseUrl,
          path: responses ? "/v1/responses" : "/v1/chat/completions",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          agent,
          timeoutMs: 60_000,
          ...(kind === "chat-abort" ? { abortAfterBytes: 300 } : {}),
        });
        stats.total += 1;
        const problems = checkReply(res, responses ? "responses" : "chat", fixture.secrets);
        if (res.status !== 200 || problems.length > 0) {
          stats.failed.push(`${id} ${kind}: ${res.status} ${problems.join("; ")} ${res.text.slice(0, 160)}`);
          return;
        }
        if (res.aborted) {
          stats.aborted += 1;
          return;
        }
        const text = responses ? responsesText(res, stream) : chatTextOf(res);
        if (text !== replyFor(id).text)
          stats.wrong.push(`${id} ${kind}: got ${JSON.stringify(text.slice(0, 60))}`);
        else stats.ok += 1;
      };
      await Promise.all(
        Array.from({ length: sizes.soakConcurrency }, async () => {
          while (Date.now() < deadline) await one();
        }),
      );
      clearTimeout(revokeTimer);
      clearInterval(trimmer);
      agent.destroy();
      const samples = sampler.stop();
      const elapsed = Date.now() - started;

      const third = (from: number, to: number) =>
        samples.filter((s) => s.atMs - started >= from * elapsed && s.atMs - started < to * elapsed);
      const first = third(0, 1 / 3);
      const last = third(2 / 3, 1.01);
      const rssFirst = median(first.map((s) => s.rssKiB));
      const rssLast = median(last.map((s) => s.rssKiB));
      const rssFirstMax = Math.max(...first.map((s) => s.rssKiB));
      const socketsFirst = Math.max(...first.map((s) => s.sockets));
      const socketsLast = median(last.map((s) => s.sockets));
      const refreshes = fixture.upstream.auth.counters.refresh;
      const grants = fixture.upstream.auth.requests.filter(
        (r) => (r.body as { grant_type?: string })?.grant_type === "refresh_token",
      );
      const note = `${stats.total} requests (${stats.aborted} client aborts), ${refreshes} refreshes (one per expiry), RSS ${Math.round(rssFirst / 1024)}→${Math.round(rssLast / 1024)} MiB, sockets ${socketsFirst}→${socketsLast}`;
      console.log(`soak: ${note}`);
      recordCategory({
        category: "load + soak (64 clients, mixed, token expiry, aborts)",
        cases: stats.total,
        failures: stats.wrong.length + stats.failed.length,
        note,
      });

      expect(stats.failed.slice(0, 10), "failed replies").toEqual([]);
      expect(stats.wrong.slice(0, 10), "wrong or mixed-up replies").toEqual([]);
      expect(stats.ok + stats.aborted).toBe(stats.total);
      // One refresh per expiry: none missed (no gap longer than a token's window), none doubled (no two
      // refreshes back to back), exactly one for the token the upstream revoked.
      const times = grants.map((g) => g.receivedAt - started);
      const slackMs = 10_000;
      const gaps = [...times, elapsed].map((t, i) => t - (i === 0 ? 0 : times[i - 1]!));
      expect(
        Math.max(...gaps),
        `a token outlived its window: refreshes at ${times.join(", ")} ms`,
      ).toBeLessThanOrEqual(windowS * 1000 + slackMs);
      expect(
        Math.min(...gaps.slice(0, -1)),
        `two refreshes back to back: ${times.join(", ")} ms`,
      ).toBeGreaterThan(2_000);
      expect(
        times.filter((t) => t >= revokeAtMs && t < revokeAtMs + slackMs).length,
        "one refresh after the upstream revoked the token",
      ).toBe(1);
      const used = grants.map((g) => (g.body as { refresh_token?: string }).refresh_token);
      expect(new Set(used).size, "no refresh token used twice").toBe(used.length);
      expect(grants.length).toBe(refreshes);
      // V8 grows its heap in steps and rarely gives memory back, so only growth well beyond the first
      // third's peak counts; a leak of a few KiB per request shows up in the long run.
      expect(rssLast, `RSS grew from ${rssFirstMax} KiB to ${rssLast} KiB`).toBeLessThanOrEqual(
        rssFirstMax * 1.5 + 32 * 1024,
      );
      expect(socketsLast, `open sockets grew from ${socketsFirst} to ${socketsLast}`).toBeLessThanOrEqual(
        socketsFirst + 8,
      );
      const health = await sendRequest({ baseUrl: fixture.server.baseUrl, method: "GET", path: "/health" });
      expect(health.status).toBe(200);
    },
    sizes.soakMs + 120_000,
  );
});
