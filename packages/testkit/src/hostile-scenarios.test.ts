import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCodexServer, startFakeCodexServer } from "./fake-codex-server.js";
import { HOSTILE_SCENARIO_NAMES, hostileScenarios } from "./hostile-scenarios.js";

let codex: FakeCodexServer;
beforeAll(async () => {
  codex = await startFakeCodexServer();
});
afterAll(async () => {
  await codex.close();
});

const body = {
  model: "gpt-5.4",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  store: false,
  stream: true,
};

function post(signal?: AbortSignal) {
  return fetch(`${codex.baseUrl}/responses`, {
    method: "POST",
    headers: { authorization: "Bearer t", "chatgpt-account-id": "acc", "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: signal ?? null,
  });
}

describe("hostile scenarios", () => {
  it("names every scenario", () => {
    expect(HOSTILE_SCENARIO_NAMES).toContain("stalled-head");
    expect(HOSTILE_SCENARIO_NAMES.length).toBe(Object.keys(hostileScenarios).length);
  });

  it("holds the head back (stalled-head) until the client leaves", async () => {
    codex.setScenario(hostileScenarios["stalled-head"]);
    const controller = new AbortController();
    const pending = post(controller.signal).then(
      () => "head",
      () => "aborted",
    );
    const winner = await Promise.race([pending, new Promise((r) => setTimeout(() => r("waiting"), 300))]);
    expect(winner).toBe("waiting");
    controller.abort();
    expect(await pending).toBe("aborted");
  });

  it("trickles keep-alive comments until the client leaves", async () => {
    codex.setScenario(hostileScenarios["keep-alive-only"]);
    const controller = new AbortController();
    const res = await post(controller.signal);
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (text.split(": keep-alive").length < 3) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text.startsWith(": keep-alive\n\n")).toBe(true);
  });

  it("sends an error status whose body stalls", async () => {
    codex.setScenario(hostileScenarios["stalled-error-body-500"]);
    const controller = new AbortController();
    const res = await post(controller.signal);
    expect(res.status).toBe(500);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('{"error"');
    controller.abort();
  });
});
