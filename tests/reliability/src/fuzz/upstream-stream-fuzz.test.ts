import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chatTextOf, errorCodeOf, postChat } from "../harness/chat-request.js";
import { type ProxyFixture, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkReply } from "../harness/reply-check.js";
import { readSizes } from "../sizes.js";
import { recordCategory } from "../summary.js";
import {
  buildEvents,
  expectedText,
  frame,
  garbageFrameArb,
  splitText,
  streamSpecArb,
} from "./stream-arbitraries.js";

const sizes = readSizes();
const seed = inject("fuzzSeed");
const runs = Math.ceil(sizes.sseFuzzCases / 10);
const decoder = new TextDecoder();

let fixture: ProxyFixture;

beforeAll(async () => {
  fixture = await startProxyFixture();
});

afterAll(async () => {
  expect((await fixture?.close()) ?? []).toEqual([]);
});

const hostileUpstreamArb = fc.tuple(
  streamSpecArb,
  fc.boolean(),
  fc.array(fc.tuple(fc.nat(), garbageFrameArb), { maxLength: 4 }),
  fc.array(fc.nat(), { maxLength: 6 }),
  fc.boolean(),
);

describe("a hostile upstream stream, end to end through the server", () => {
  it(`turns corrupted upstream streams into the right text or a clean error (${runs} cases, seed ${seed})`, async () => {
    let failures = 0;
    try {
      await fc.assert(
        fc.asyncProperty(hostileUpstreamArb, async ([spec, crlf, garbage, cuts, stream]) => {
          const frames = buildEvents(spec).map((e) => frame(e, crlf));
          for (const [at, junk] of garbage) frames.splice(at % (frames.length + 1), 0, decoder.decode(junk));
          const text = frames.join("");
          fixture.upstream.codex.setScenario({ events: splitText(text, cuts).map((raw) => ({ raw })) });
          const res = await postChat(fixture.server.baseUrl, { stream, timeoutMs: 20_000 });
          expect(checkReply(res, "chat", fixture.secrets)).toEqual([]);
          if (spec.end === "completed" || spec.end === "incomplete") {
            expect(res.status).toBe(200);
            expect(chatTextOf(res)).toBe(expectedText(spec));
          } else {
            expect(errorCodeOf(res), `ending ${spec.end} must reach the client as an error`).not.toBeNull();
          }
        }),
        { numRuns: runs, seed },
      );
    } catch (error) {
      failures = 1;
      throw error;
    } finally {
      recordCategory({
        category: "fuzz: hostile upstream streams through the server",
        cases: runs,
        failures,
        seed,
      });
    }
  }, 300_000);
});
