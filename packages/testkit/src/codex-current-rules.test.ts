import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCodexServer, startFakeCodexServer } from "./fake-codex-server.js";

let codex: FakeCodexServer;
beforeAll(async () => {
  codex = await startFakeCodexServer();
});
afterAll(async () => {
  await codex.close();
});

const auth = {
  authorization: "Bearer any",
  "chatgpt-account-id": "acc_test",
  "content-type": "application/json",
};

function message(role: string, text: string) {
  return { type: "message", role, content: [{ type: "input_text", text }] };
}

async function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(`${codex.baseUrl}/responses`, {
    method: "POST",
    headers: { ...auth, ...headers },
    body: JSON.stringify({ store: false, stream: true, instructions: "", ...body }),
  });
  const text = await res.text();
  return { status: res.status, text, turnState: res.headers.get("x-codex-turn-state") };
}

describe("per-model catalog rules", () => {
  it("refuses a version older than the model's minimal_client_version, in the backend's words", async () => {
    const input = [message("user", "hi")];
    const old = await post({ model: "gpt-5.6-sol", input }, { version: "0.125.0" });
    expect(old.status).toBe(400);
    expect(JSON.parse(old.text)).toEqual({
      detail:
        "The 'gpt-5.6-sol' model requires a newer version of Codex. Please upgrade to the latest app or CLI and try again.",
    });
    expect((await post({ model: "gpt-5.6-sol", input }, { version: "0.144.6" })).status).toBe(200);
    expect((await post({ model: "gpt-5.5", input }, { version: "0.124.0-alpha.1" })).status).toBe(200);
  });

  it("hides models from /models for an older client_version", async () => {
    const slugs = async (version: string) => {
      const res = await fetch(`${codex.baseUrl}/models?client_version=${version}`, { headers: auth });
      return ((await res.json()) as { models: { slug: string }[] }).models.map((m) => m.slug);
    };
    expect(await slugs("0.154.0")).toContain("gpt-5.6-sol");
    const old = await slugs("0.125.0");
    expect(old).not.toContain("gpt-5.6-sol");
    expect(old).toContain("gpt-5.4");
  });

  it("accepts the responses-lite header only for use_responses_lite models", async () => {
    const lite = { "x-openai-internal-codex-responses-lite": "true" };
    const input = [message("user", "hi")];
    expect((await post({ model: "gpt-5.4", input }, lite)).status).toBe(400);
    expect((await post({ model: "gpt-5.6-terra", input }, lite)).status).toBe(200);
  });

  it("refuses reasoning.summary where supports_reasoning_summary_parameter is false", async () => {
    const input = [message("user", "hi")];
    const refused = await post({
      model: "gpt-5.3-codex-spark",
      input,
      reasoning: { effort: "low", summary: "auto" },
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("reasoning.summary");
    expect((await post({ model: "gpt-5.3-codex-spark", input, reasoning: { effort: "low" } })).status).toBe(
      200,
    );
  });

  it("takes reasoning.context all_turns and refuses unknown values", async () => {
    const input = [message("user", "hi")];
    const reasoning = (context: string) => ({ effort: "low", context });
    expect((await post({ model: "gpt-5.6-luna", input, reasoning: reasoning("all_turns") })).status).toBe(
      200,
    );
    expect((await post({ model: "gpt-5.6-luna", input, reasoning: reasoning("forever") })).status).toBe(400);
  });
});

describe("x-codex-turn-state", () => {
  const call = { type: "function_call", call_id: "c1", name: "f", arguments: "{}" };
  const output = { type: "function_call_output", call_id: "c1", output: "ok" };

  it("issues a state on a new turn and judges each replay", async () => {
    const session = { "session-id": "conv-turns" };
    const start = codex.turnStates().length;
    const first = await post({ model: "gpt-5.4", input: [message("user", "go")] }, session);
    expect(first.turnState).toMatch(/^ts_/);
    const loop = [message("user", "go"), call, output];
    const replay = await post(
      { model: "gpt-5.4", input: loop },
      { ...session, "x-codex-turn-state": first.turnState ?? "" },
    );
    expect(replay.status).toBe(200);
    expect(replay.turnState).toBeNull();
    await post({ model: "gpt-5.4", input: loop }, session);
    const next = [...loop, message("user", "again")];
    await post(
      { model: "gpt-5.4", input: next },
      { ...session, "x-codex-turn-state": first.turnState ?? "" },
    );
    await post({ model: "gpt-5.4", input: loop }, { ...session, "x-codex-turn-state": "ts_forged" });
    expect(
      codex
        .turnStates()
        .slice(start)
        .map((r) => [r.verdict, r.violation]),
    ).toEqual([
      ["new_turn", false],
      ["replayed", false],
      ["missing", true],
      ["cross_turn", true],
      ["unknown", true],
    ]);
  });
});

describe("prompt-cache model", () => {
  // ~6 000 characters of instructions: 1 500 tokens, above the 1 024-token minimum.
  const instructions = "Be precise. ".repeat(500);
  const turn = (n: number) =>
    Array.from({ length: n }, (_, i) => message(i % 2 === 0 ? "user" : "assistant", `turn ${i} `.repeat(40)));
  const usageOf = (text: string) => {
    const completed = text.split("\n").find((line) => line.includes('"response.completed"')) ?? "";
    const event = JSON.parse(completed.slice("data: ".length)) as {
      response: { usage: { input_tokens: number; input_tokens_details: { cached_tokens: number } } };
    };
    return event.response.usage;
  };

  it("reports the shared prefix in 128-token blocks from 1 024 tokens, per session-pinned server", async () => {
    codex.setCacheModel({ servers: 4 });
    try {
      const session = { "session-id": "conv-cache" };
      const first = usageOf((await post({ model: "gpt-5.4", instructions, input: turn(1) }, session)).text);
      expect(first.input_tokens_details.cached_tokens).toBe(0);
      const second = usageOf((await post({ model: "gpt-5.4", instructions, input: turn(3) }, session)).text);
      expect(second.input_tokens_details.cached_tokens % 128).toBe(0);
      expect(second.input_tokens_details.cached_tokens).toBeGreaterThanOrEqual(1024);
      expect(second.input_tokens - second.input_tokens_details.cached_tokens).toBeLessThan(300);
      const stats = codex.cacheModel()?.stats();
      expect(stats?.cachedTokens).toBe(stats?.idealCachedTokens);
    } finally {
      codex.setCacheModel(null);
    }
  });

  it("spreads requests without session-id over the servers, losing hits", async () => {
    codex.setCacheModel({ servers: 4 });
    try {
      for (let n = 1; n <= 8; n += 1) await post({ model: "gpt-5.4", instructions, input: turn(n) });
      const stats = codex.cacheModel()?.stats();
      expect(stats?.perServer).toEqual([2, 2, 2, 2]);
      expect(stats?.cachedTokens).toBeLessThan((stats?.idealCachedTokens ?? 0) * 0.9);
    } finally {
      codex.setCacheModel(null);
    }
  });

  it("counts nothing below 1 024 shared tokens", async () => {
    codex.setCacheModel({ servers: 1 });
    try {
      const session = { "session-id": "short" };
      await post({ model: "gpt-5.4", input: turn(1) }, session);
      const usage = usageOf((await post({ model: "gpt-5.4", input: turn(2) }, session)).text);
      expect(usage.input_tokens_details.cached_tokens).toBe(0);
    } finally {
      codex.setCacheModel(null);
    }
  });
});
