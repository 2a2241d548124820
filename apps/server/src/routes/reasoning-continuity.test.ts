import { buildResponseEvents } from "@cmp/testkit";
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

describe("reasoning continuity across a tool loop", () => {
  it("replays the encrypted reasoning that led to a tool call in the next turn", async () => {
    harness = await createHarness({
      scenario: {
        events: buildResponseEvents({
          items: [
            { type: "reasoning", summary: ["Need the weather"], encryptedContent: "ENCRYPTED-REASONING-1" },
            { type: "function_call", name: "get_weather", arguments: '{"city":"Paris"}', callId: "call_abc" },
          ],
        }),
      },
    });
    for (const stream of [false, true]) {
      const first = await request(harness.app)
        .post("/v1/chat/completions")
        .send({
          model: "gpt-5.4",
          stream,
          messages: [{ role: "user", content: "Weather in Paris?" }],
          tools,
        });
      expect(first.status).toBe(200);
    }
    harness.codex.setScenario("text");
    const second = await request(harness.app)
      .post("/v1/chat/completions")
      .send({
        model: "gpt-5.4",
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
    expect(second.status).toBe(200);
    const input = JSON.stringify(harness.upstreamBodies().at(-1)?.["input"]);
    expect(input).toContain("ENCRYPTED-REASONING-1");
    expect(input.indexOf("ENCRYPTED-REASONING-1")).toBeLessThan(input.indexOf('"function_call"'));
  });
});
