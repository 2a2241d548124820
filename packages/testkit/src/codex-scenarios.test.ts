import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_SCENARIO_NAMES, DEFAULT_REPLY_TEXT, OFFICIAL_FIXTURE_SSE } from "./builtin-scenarios.js";
import { type FakeCodexServer, startFakeCodexServer } from "./fake-codex-server.js";
import { buildResponseEvents } from "./response-events.js";
import { type ParsedFrame, parseSseFrames } from "./testing/parse-sse-frames.js";
import { pick } from "./testing/pick.js";

let codex: FakeCodexServer;
beforeAll(async () => {
  codex = await startFakeCodexServer();
});
afterEach(() => {
  codex.setScenario(null);
});
afterAll(async () => {
  await codex.close();
});

const headers = {
  authorization: "Bearer test",
  "chatgpt-account-id": "acc_test",
  "content-type": "application/json",
};

function requestBody(overrides: Record<string, unknown> = {}, userText = "Say hi") {
  return {
    model: "gpt-5.4",
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: userText }] }],
    tools: [
      { type: "function", name: "lookup", description: "", strict: false, parameters: { type: "object" } },
    ],
    store: false,
    stream: true,
    ...overrides,
  };
}

function post(
  body: unknown = requestBody(),
  extraHeaders: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(`${codex.baseUrl}/responses`, {
    method: "POST",
    headers: { ...headers, ...extraHeaders },
    body: JSON.stringify(body),
    signal,
  });
}

async function streamOf(scenario: string): Promise<{ res: Response; text: string; frames: ParsedFrame[] }> {
  codex.setScenario(scenario);
  const res = await post();
  const text = await res.text();
  return { res, text, frames: parseSseFrames(text) };
}

function types(frames: ParsedFrame[]): unknown[] {
  return frames.map((f) => pick(f.data, "type"));
}

describe("stream framing", () => {
  it("frames each event as `event: <type>` + `data: <json>` + blank line, with event = data.type", async () => {
    const { res, text, frames } = await streamOf("text");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(text).toMatch(/^event: response\.created\ndata: \{.*\}\n\n/);
    for (const frame of frames) expect(frame.event).toBe(pick(frame.data, "type"));
  });

  it("text: the full realistic sequence with consistent indices and an empty completed output", async () => {
    const { frames } = await streamOf("text");
    expect(types(frames)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(DEFAULT_REPLY_TEXT.split(" ").length).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(frames.map((f) => pick(f.data, "sequence_number"))).toEqual(frames.map((_, i) => i));
    const deltas = frames.filter((f) => pick(f.data, "type") === "response.output_text.delta");
    expect(deltas.map((f) => pick(f.data, "delta")).join("")).toBe(DEFAULT_REPLY_TEXT);
    const itemId = pick(frames[2]?.data, "item", "id");
    for (const d of deltas)
      expect(d.data).toMatchObject({ item_id: itemId, output_index: 0, content_index: 0 });
    const completed = frames.at(-1)?.data;
    expect(pick(completed, "response", "output")).toEqual([]);
    expect(pick(completed, "response", "usage")).toMatchObject({
      input_tokens_details: { cached_tokens: 64 },
      output_tokens_details: { reasoning_tokens: 0 },
    });
    expect(pick(frames[0]?.data, "response", "model")).toBe("gpt-5.4");
  });

  it("echo: answers the last user text", async () => {
    codex.setScenario("echo");
    const frames = parseSseFrames(await (await post(requestBody({}, "ping 123"))).text());
    expect(pick(frames.find((f) => pick(f.data, "type") === "response.output_text.done")?.data, "text")).toBe(
      "ping 123",
    );
  });

  it("reasoning: summary parts, deltas and an encrypted reasoning item before the message", async () => {
    const { frames } = await streamOf("reasoning");
    const t = types(frames);
    expect(t).toContain("response.reasoning_summary_part.added");
    expect(t).toContain("response.reasoning_summary_text.delta");
    const reasoningDone = frames.find(
      (f) =>
        pick(f.data, "type") === "response.output_item.done" && pick(f.data, "item", "type") === "reasoning",
    );
    expect(pick(reasoningDone?.data, "item", "encrypted_content")).toMatch(/^gAAAA/);
    expect(pick(reasoningDone?.data, "output_index")).toBe(0);
    expect(
      pick(frames.at(-1)?.data, "response", "usage", "output_tokens_details", "reasoning_tokens"),
    ).toBeGreaterThan(0);
    const summaryIndexes = frames
      .filter((f) => pick(f.data, "type") === "response.reasoning_summary_part.added")
      .map((f) => pick(f.data, "summary_index"));
    expect(summaryIndexes).toEqual([0, 1]);
  });

  it("tools: a function call named after the request's tool, with argument deltas", async () => {
    const { frames } = await streamOf("tools");
    const added = frames.find((f) => pick(f.data, "type") === "response.output_item.added");
    expect(pick(added?.data, "item")).toMatchObject({ type: "function_call", name: "lookup", arguments: "" });
    const deltas = frames.filter((f) => pick(f.data, "type") === "response.function_call_arguments.delta");
    expect(deltas.length).toBeGreaterThan(1);
    const done = frames.find((f) => pick(f.data, "type") === "response.function_call_arguments.done");
    expect(deltas.map((f) => pick(f.data, "delta")).join("")).toBe(pick(done?.data, "arguments"));
    expect(JSON.parse(String(pick(done?.data, "arguments")))).toEqual({ location: "Paris" });
  });

  it("parallel-tools: two calls with distinct output indices and call ids", async () => {
    const { frames } = await streamOf("parallel-tools");
    const done = frames.filter((f) => pick(f.data, "type") === "response.output_item.done");
    expect(done.map((f) => pick(f.data, "output_index"))).toEqual([0, 1]);
    const callIds = done.map((f) => pick(f.data, "item", "call_id"));
    expect(new Set(callIds).size).toBe(2);
  });

  it("tools-no-deltas: only function_call_arguments.done", async () => {
    const { frames } = await streamOf("tools-no-deltas");
    const t = types(frames);
    expect(t).not.toContain("response.function_call_arguments.delta");
    expect(t).toContain("response.function_call_arguments.done");
  });

  it.each([
    ["incomplete", "response.incomplete"],
    ["failed", "response.failed"],
    ["error-event", "error"],
  ])("%s ends with %s", async (scenario, last) => {
    const { frames } = await streamOf(scenario);
    expect(pick(frames.at(-1)?.data, "type")).toBe(last);
    expect(types(frames)).not.toContain("response.completed");
  });

  it("incomplete carries max_output_tokens; failed carries an error code; error-event has code and message", async () => {
    expect(
      pick((await streamOf("incomplete")).frames.at(-1)?.data, "response", "incomplete_details"),
    ).toEqual({
      reason: "max_output_tokens",
    });
    expect(pick((await streamOf("failed")).frames.at(-1)?.data, "response", "error", "code")).toBe(
      "context_length_exceeded",
    );
    expect((await streamOf("error-event")).frames.at(-1)?.data).toMatchObject({
      code: "server_is_overloaded",
    });
  });

  it("cut: the stream ends cleanly without a terminal event", async () => {
    const { frames } = await streamOf("cut");
    expect(frames.length).toBeGreaterThan(2);
    expect(types(frames)).not.toContain("response.completed");
  });

  it("reset: the connection is reset mid-stream", async () => {
    codex.setScenario("reset");
    const res = await post();
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it("stall: headers arrive, then nothing until the client aborts; the server sees the close", async () => {
    codex.setScenario("stall");
    const controller = new AbortController();
    const res = await post(requestBody(), {}, controller.signal);
    expect(res.status).toBe(200);
    const index = codex.requests.length - 1;
    const reader = res.body?.getReader();
    const first = reader?.read();
    const raced = await Promise.race([first, new Promise((r) => setTimeout(() => r("silent"), 200))]);
    expect(raced).toBe("silent");
    controller.abort();
    await expect(first).rejects.toThrow();
    await expect(codex.waitForClose(index)).resolves.toEqual({ requestIndex: index, aborted: true });
  });

  it("slow: same events with pauses in between", async () => {
    const { frames } = await streamOf("slow");
    expect(pick(frames.at(-1)?.data, "type")).toBe("response.completed");
  });

  it("official-fixture: the Codex CLI test stream", async () => {
    expect((await streamOf("official-fixture")).text).toBe(OFFICIAL_FIXTURE_SSE);
  });
});

describe("HTTP error scenarios", () => {
  it.each([
    ["usage-limit", 429],
    ["usage-limit-404", 404],
  ])("%s answers %i with the usage_limit_reached body", async (scenario, status) => {
    codex.setScenario(scenario);
    const res = await post();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(pick(body, "error")).toMatchObject({
      type: "usage_limit_reached",
      plan_type: "pro",
      resets_in_seconds: 3600,
    });
    expect(Number(pick(body, "error", "resets_at"))).toBeGreaterThan(Date.now() / 1000);
  });

  it.each([
    ["server-error", 500, "application/json"],
    ["bad-gateway", 502, "text/html"],
    ["unavailable", 503, "application/json"],
    ["cloudflare", 403, "text/html"],
  ])("%s answers %i %s", async (scenario, status, type) => {
    codex.setScenario(scenario);
    const res = await post();
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain(type);
    await res.text();
  });
});

describe("scenario choice", () => {
  it("by x-fake-scenario header, fake-<name> model and [scenario=name] tag", async () => {
    const byHeader = parseSseFrames(await (await post(requestBody(), { "x-fake-scenario": "tools" })).text());
    expect(types(byHeader)).toContain("response.function_call_arguments.done");
    const byModel = parseSseFrames(await (await post(requestBody({ model: "fake-reasoning" }))).text());
    expect(types(byModel)).toContain("response.reasoning_summary_text.delta");
    const byTag = await post(requestBody({}, "please [scenario=usage-limit]"));
    expect(byTag.status).toBe(429);
    await byTag.text();
  });

  it("answers 400 naming the known scenarios for an unknown name", async () => {
    const res = await post(requestBody(), { "x-fake-scenario": "nope" });
    expect(res.status).toBe(400);
    expect(String(pick(await res.json(), "detail"))).toContain("reasoning");
    expect(() => codex.setScenario("nope")).toThrow(/unknown scenario/);
  });

  it("takes a scenario object or a function of the request", async () => {
    codex.setScenario({
      events: [
        ...buildResponseEvents({ responseId: "resp_custom", items: [{ type: "message", text: "custom" }] }),
        { delayMs: 5 },
      ],
      headers: { "x-custom": "1" },
    });
    const res = await post();
    expect(res.headers.get("x-custom")).toBe("1");
    expect(pick(parseSseFrames(await res.text())[0]?.data, "response", "id")).toBe("resp_custom");
    codex.setScenario((req) => (req.lastUserText === "fail" ? "server-error" : "text"));
    expect((await post(requestBody({}, "fail"))).status).toBe(500);
    const ok = await post(requestBody({}, "fine"));
    expect(ok.status).toBe(200);
    await ok.text();
  });

  it("lists every built-in scenario", () => {
    expect(BUILTIN_SCENARIO_NAMES).toEqual(
      expect.arrayContaining([
        "text",
        "echo",
        "tools",
        "parallel-tools",
        "stall",
        "reset",
        "cut",
        "usage-limit",
      ]),
    );
  });
});
