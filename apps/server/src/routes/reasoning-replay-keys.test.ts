import { Writable } from "node:stream";
import { buildResponseEvents } from "@cmp/testkit";
import pino from "pino";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const tools = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } },
];
const firstTurn = {
  events: buildResponseEvents({
    items: [
      { type: "reasoning", summary: ["Need the weather"], encryptedContent: "ENCRYPTED-REASONING-1" },
      { type: "function_call", name: "get_weather", arguments: '{"city":"Paris"}', callId: "call_abc" },
    ],
  }),
};
const secondTurn = (model: string) => ({
  model,
  tools,
  messages: [
    { role: "user", content: "Weather in Paris?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "call_abc",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_abc", content: '{"temperature":21}' },
  ],
});
const send = (body: object) =>
  request((harness as Harness).app)
    .post("/v1/chat/completions")
    .send(body);
const lastInput = () => JSON.stringify((harness as Harness).upstreamBodies().at(-1)?.["input"]);

describe("reasoning replay keys and rejection", () => {
  it("replays reasoning only into a request of the same account and model", async () => {
    harness = await createHarness({ scenario: firstTurn });
    await send({ model: "gpt-5.4", tools, messages: [{ role: "user", content: "Weather in Paris?" }] });
    harness.codex.setScenario("text");
    expect((await send(secondTurn("gpt-5.5"))).status).toBe(200);
    expect(lastInput()).not.toContain("ENCRYPTED-REASONING-1");
    expect((await send(secondTurn("gpt-5.4"))).status).toBe(200);
    expect(lastInput()).toContain("ENCRYPTED-REASONING-1");
  });

  it("sends the request once more without the reasoning when the backend refuses it, and logs a warning", async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: "warn" },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    harness = await createHarness({ scenario: firstTurn, logger });
    await send({ model: "gpt-5.4", tools, messages: [{ role: "user", content: "Weather in Paris?" }] });
    harness.codex.setScenario("reasoning-rejected");
    const before = harness.upstreamBodies().length;
    const res = await send(secondTurn("gpt-5.4"));
    expect(res.status).toBe(200);
    const bodies = harness.upstreamBodies().slice(before);
    expect(bodies).toHaveLength(2);
    expect(JSON.stringify(bodies[0]?.["input"])).toContain("ENCRYPTED-REASONING-1");
    expect(JSON.stringify(bodies[1]?.["input"])).not.toContain("ENCRYPTED-REASONING-1");
    expect(JSON.stringify(bodies[1]?.["input"])).toContain("function_call_output");
    expect(lines.join("")).toContain("rejected the replayed encrypted reasoning");
  });
});
