import { type FakeCodexServer, startFakeCodexServer } from "@cmp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type CodexAuthProvider, type CodexClientOptions, createCodexClient } from "./codex-client.js";

let codex: FakeCodexServer | undefined;
const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await codex?.close();
  codex = undefined;
});

const auth: CodexAuthProvider = {
  getAuth: async () => ({ accessToken: "tok-1", accountId: "acc_test" }),
  refreshAfterUnauthorized: async () => ({ accessToken: "tok-2", accountId: "acc_test" }),
};

async function start(extra: Partial<CodexClientOptions> = {}) {
  codex = await startFakeCodexServer();
  const client = createCodexClient({
    baseUrl: codex.baseUrl,
    auth,
    userAgent: "chatgpt-max-proxy/0.1.0 (test)",
    originator: "chatgpt_max_proxy",
    clientVersion: "0.154.0",
    sleep: async () => {},
    ...extra,
  });
  clients.push(client);
  return { codex, client };
}

const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const body = (input: unknown[]) => ({
  model: "gpt-5.4",
  instructions: "",
  input,
  store: false,
  stream: true,
});
const call = { type: "function_call", call_id: "call_1", name: "get_weather", arguments: "{}" };
const output = { type: "function_call_output", call_id: "call_1", output: "sunny" };

describe("the backend's current request headers", () => {
  it("sends session-id and thread-id (the cache key), version, and no session_id", async () => {
    const { codex, client } = await start();
    const response = await client.createResponse(body([user("hi")]), { sessionId: "key-1" });
    await response.cancel();
    const headers = codex.requests[0]?.headers ?? {};
    expect(headers["session-id"]).toBe("key-1");
    expect(headers["thread-id"]).toBe("key-1");
    expect(headers["version"]).toBe("0.154.0");
    expect(headers["session_id"]).toBeUndefined();
    expect(headers["conversation_id"]).toBeUndefined();
    expect(headers["originator"]).toBe("chatgpt_max_proxy");
    expect(headers["user-agent"]).toBe("chatgpt-max-proxy/0.1.0 (test)");
  });

  it("never sends OpenAI-Beta or the responses-lite header, even when configured", async () => {
    const { codex, client } = await start({
      headers: {
        "OpenAI-Beta": "responses=experimental",
        "x-openai-internal-codex-responses-lite": "true",
        session_id: "stale",
        "x-extra": "kept",
      },
    });
    const response = await client.createResponse(body([user("hi")]), { sessionId: "key-2" });
    await response.cancel();
    expect(response.status).toBe(200);
    const headers = codex.requests[0]?.headers ?? {};
    expect(headers["openai-beta"]).toBeUndefined();
    expect(headers["x-openai-internal-codex-responses-lite"]).toBeUndefined();
    expect(headers["session_id"]).toBeUndefined();
    expect(headers["x-extra"]).toBe("kept");
  });

  it("sends a fresh x-client-request-id per call, the same one on its retries", async () => {
    const { codex, client } = await start();
    codex.setScenario((request) => (request.requestIndex === 1 ? "server-error" : "text"));
    for (let i = 0; i < 2; i++) await (await client.createResponse(body([user(`hi ${i}`)]))).cancel();
    const ids = codex.requests.map((r) => r.headers["x-client-request-id"]);
    expect(ids).toHaveLength(3);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Request 0 is the first call; 1 (a 500) and 2 are the second call and its retry.
    expect(ids[1]).toBe(ids[2]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("returns the issued x-codex-turn-state and replays a given one", async () => {
    const { codex, client } = await start();
    const first = await client.createResponse(body([user("weather?")]), { sessionId: "conv" });
    await first.cancel();
    expect(first.turnState).toMatch(/^ts_/);
    const loop = await client.createResponse(body([user("weather?"), call, output]), {
      sessionId: "conv",
      turnState: first.turnState ?? undefined,
    });
    await loop.cancel();
    expect(loop.turnState).toBe(first.turnState);
    expect(codex.requests[1]?.headers["x-codex-turn-state"]).toBe(first.turnState);
    expect(codex.turnStates().map((r) => r.verdict)).toEqual(["new_turn", "replayed"]);
  });

  it("keeps the turn state a failed attempt was issued for the retry", async () => {
    const { codex, client } = await start();
    codex.setScenario((request) => (request.requestIndex === 0 ? "server-error" : "text"));
    const response = await client.createResponse(body([user("hi")]), { sessionId: "conv-retry" });
    await response.cancel();
    expect(response.attempts).toBe(2);
    const issued = codex.turnStates()[0]?.issued;
    expect(codex.requests[1]?.headers["x-codex-turn-state"]).toBe(issued);
    expect(response.turnState).toBe(issued);
    expect(codex.turnStates().some((r) => r.violation)).toBe(false);
  });
});
