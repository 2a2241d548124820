import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import type { AppConfig } from "../app-deps.js";
import { mayReadMetrics } from "../metrics/may-read-metrics.js";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { eventually } from "../testing/eventually.js";
import { type ParsedMetrics, parseMetrics } from "../testing/prometheus-text.js";

let harness: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await harness?.close();
  harness = undefined;
});

const start = async (config: Partial<AppConfig> = {}) => {
  harness = await createHarness({ config });
  return harness;
};

/** `/metrics` parsed, once no API request is in flight (every finished one is counted by then). */
async function scrape(h: Harness, headers: Record<string, string> = {}): Promise<ParsedMetrics> {
  let parsed: ParsedMetrics | undefined;
  await eventually(async () => {
    const res = await request(h.app).get("/metrics").set(headers);
    expect(res.status).toBe(200);
    parsed = parseMetrics(res.text);
    return parsed.total("cmp_in_flight_requests") === 0;
  }, "no request in flight");
  return parsed as ParsedMetrics;
}

/** Serves `h.app` on a free loopback port (closed after the test); its base URL. */
async function listen(h: Harness): Promise<string> {
  server = createServer(h.app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server?.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const chat = (h: Harness, body: Record<string, unknown>) =>
  request(h.app)
    .post("/v1/chat/completions")
    .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }], ...body });

describe("GET /metrics", () => {
  it("counts a scripted mix of requests exactly: requests, latencies, tokens, errors and quota", async () => {
    const h = await start();
    const sent = [
      await chat(h, {}),
      await chat(h, {}),
      await chat(h, { stream: true }),
      await chat(h, { model: "gpt-5.5", stream: true }),
      await request(h.app).post("/v1/responses").send({ model: "gpt-5.4", input: "hi" }),
      await request(h.app).post("/v1/responses").send({ model: "gpt-5.4", input: "hi", stream: true }),
    ];
    for (const res of sent) expect(res.status).toBe(200);
    const limited = [
      await chat(h, { messages: [{ role: "user", content: "[scenario=usage-limit]" }] }),
      await chat(h, { messages: [{ role: "user", content: "[scenario=usage-limit]" }] }),
    ];
    for (const res of limited) expect(res.status).toBe(429);
    expect((await chat(h, { model: "no-such-model" })).status).toBe(404);
    expect((await request(h.app).get("/v1/nothing-here")).status).toBe(404);

    const m = await scrape(h);
    const none = { account: "default", key: "none" };
    expect(m.total("cmp_requests_total", { api: "chat", model: "gpt-5.4", code: "200", ...none })).toBe(3);
    expect(m.total("cmp_requests_total", { api: "chat", model: "gpt-5.5", code: "200" })).toBe(1);
    expect(m.total("cmp_requests_total", { api: "responses", model: "gpt-5.4", code: "200" })).toBe(2);
    expect(m.total("cmp_requests_total", { api: "chat", model: "gpt-5.4", code: "429" })).toBe(2);
    expect(m.total("cmp_requests_total", { api: "chat", model: "none", code: "404" })).toBe(1);
    expect(m.total("cmp_requests_total", { api: "other", code: "404" })).toBe(1);
    expect(m.total("cmp_requests_total", { api: "chat" })).toBe(7);
    expect(m.total("cmp_requests_total", { api: "responses" })).toBe(2);

    // Every API request is in the latency histogram once; counts and +Inf buckets agree.
    expect(
      m.total("cmp_request_duration_seconds", { api: "chat", model: "gpt-5.4", code_class: "2xx" }),
    ).toBe(3);
    expect(m.total("cmp_request_duration_seconds", { api: "chat", code_class: "4xx" })).toBe(3);
    expect(m.total("cmp_request_duration_seconds", { api: "responses" })).toBe(2);
    for (const { labels, value } of m.samples("cmp_request_duration_seconds_count")) {
      expect(m.total("cmp_request_duration_seconds_bucket", { ...labels, le: "+Inf" })).toBe(value);
      expect(m.samples("cmp_request_duration_seconds_bucket", labels).map((s) => s.labels["le"])).toEqual([
        ...["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "20", "30", "60", "120", "300"],
        "+Inf",
      ]);
    }
    // Time to first token: every answer that sent a token (the six successes), none of the errors.
    expect(m.total("cmp_time_to_first_token_seconds")).toBe(6);
    expect(m.total("cmp_time_to_first_token_seconds", { api: "chat", model: "gpt-5.4" })).toBe(3);

    // Tokens: what the records (and so the log and the dashboard) say, per model.
    const records = h.app.context.tracker.recent().filter((r) => r.usage !== null);
    expect(records).toHaveLength(6);
    const sum = (slug: string, field: "input" | "cached" | "output" | "reasoning") =>
      records.filter((r) => r.slug === slug).reduce((n, r) => n + (r.usage?.[field] ?? 0), 0);
    for (const slug of ["gpt-5.4", "gpt-5.5"]) {
      expect(m.total("cmp_input_tokens_total", { model: slug, ...none })).toBe(sum(slug, "input"));
      expect(m.total("cmp_cached_input_tokens_total", { model: slug })).toBe(sum(slug, "cached"));
      expect(m.total("cmp_output_tokens_total", { model: slug })).toBe(sum(slug, "output"));
      expect(m.total("cmp_reasoning_tokens_total", { model: slug })).toBe(sum(slug, "reasoning"));
    }
    // The fake backend's default: 120 input tokens, 64 of them cached, per response.
    expect(m.total("cmp_input_tokens_total")).toBe(6 * 120);
    expect(m.total("cmp_cached_input_tokens_total")).toBe(6 * 64);

    expect(m.total("cmp_request_errors_total", { api: "chat", code: "usage_limit_reached" })).toBe(2);
    expect(m.total("cmp_request_errors_total", { api: "chat", code: "model_not_found" })).toBe(1);
    expect(m.total("cmp_request_errors_total", { api: "other", code: "not_found" })).toBe(1);
    expect(m.total("cmp_request_errors_total")).toBe(4);

    // The quota the fake backend reports, for the single login's account.
    const quota = (limit: string, window: string) => ({ account: "default", limit, window });
    expect(m.total("cmp_quota_used_percent", quota("codex", "primary"))).toBe(42.5);
    expect(m.total("cmp_quota_used_percent", quota("codex", "secondary"))).toBe(77.25);
    expect(m.total("cmp_quota_used_percent", quota("codex_bengalfox", "primary"))).toBe(10);
    const resetsAt = m.total("cmp_quota_resets_at_timestamp_seconds", quota("codex", "primary"));
    expect(resetsAt).toBe(h.codex.quota()?.primary.resetAt);

    expect(m.total("cmp_in_flight_requests")).toBe(0);
    expect(m.total("cmp_open_streams")).toBe(0);
    // The process's own metrics come along under their usual names.
    expect(m.types.has("process_cpu_user_seconds_total")).toBe(true);
    expect(m.types.has("nodejs_eventloop_lag_seconds")).toBe(true);
  });

  it("keeps label values bounded: 1,000 distinct model names add no series and appear in no label", async () => {
    const h = await start();
    // Every combination the flood can reach, once: a success, an unknown model, a scrape.
    expect((await chat(h, {})).status).toBe(200);
    expect((await chat(h, { model: "client-model-first" })).status).toBe(404);
    await scrape(h);
    const before = await scrape(h);
    const names = Array.from({ length: 1_000 }, (_, i) => `client-model-${i}-${"x".repeat(i % 7)}"\n{}`);
    // One listening server and kept-alive connections: a thousand requests in a few seconds, even on a
    // loaded machine.
    const base = await listen(h);
    const send = async (model: string) => {
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    for (let i = 0; i < names.length; i += 20) {
      const statuses = await Promise.all(names.slice(i, i + 20).map(send));
      expect(statuses.every((status) => status === 404)).toBe(true);
    }
    const after = await scrape(h);
    expect(after.seriesCount("cmp_")).toBe(before.seriesCount("cmp_"));
    expect(after.total("cmp_requests_total", { api: "chat", model: "none", code: "404" })).toBe(1_001);
    expect(after.total("cmp_request_errors_total", { code: "model_not_found" })).toBe(1_001);
    const values = new Set(after.labelValues());
    for (const name of names) expect(values.has(name)).toBe(false);
    for (const value of values) expect(value).not.toMatch(/client-model/);
  }, 120_000);

  it("shows a stream in flight, then counts the client leaving as 499 client_closed_request", async () => {
    const h = await start();
    h.codex.setScenario("stall");
    const base = await listen(h);
    const abort = new AbortController();
    const pending = fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", stream: true, messages: [{ role: "user", content: "hi" }] }),
      signal: abort.signal,
    }).then(
      async (res) => res.body?.cancel(),
      () => undefined,
    );
    const read = async () => parseMetrics(await (await fetch(`${base}/metrics`)).text());
    await eventually(
      async () => (await read()).total("cmp_open_streams", { api: "chat" }) === 1,
      "stream open",
    );
    expect((await read()).total("cmp_in_flight_requests", { api: "chat" })).toBe(1);
    abort.abort();
    await pending;
    await eventually(
      async () => (await read()).total("cmp_requests_total", { api: "chat", code: "499" }) === 1,
      "abort counted",
    );
    const m = await read();
    expect(m.total("cmp_request_errors_total", { api: "chat", code: "client_closed_request" })).toBe(1);
    expect(m.total("cmp_in_flight_requests")).toBe(0);
    expect(m.total("cmp_open_streams")).toBe(0);
  });
});

describe("who may read /metrics", () => {
  it("needs a key the management API accepts when keys are configured", async () => {
    const h = await start({ apiKeys: ["sk-one"], dashboardApiKey: "sk-dashboard" });
    const missing = await request(h.app).get("/metrics");
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("missing_api_key");
    expect((await request(h.app).get("/metrics").set("authorization", "Bearer sk-wrong")).status).toBe(401);
    for (const key of ["sk-one", "sk-dashboard"]) {
      const res = await request(h.app).get("/metrics").set("authorization", `Bearer ${key}`);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(() => parseMetrics(res.text)).not.toThrow();
    }
    expect((await request(h.app).get("/metrics").set("x-api-key", "sk-one")).status).toBe(200);
    expect((await request(h.app).get("/v1/metrics").set("x-api-key", "sk-one")).status).toBe(200);
  });

  it("is open to anyone with CMP_METRICS_PUBLIC=1, while the other routes keep their key", async () => {
    const h = await start({ apiKeys: ["sk-one"], metricsPublic: true });
    const res = await request(h.app).get("/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toContain("# TYPE cmp_requests_total counter");
    expect((await request(h.app).get("/v1/status")).status).toBe(401);
    expect((await request(h.app).post("/metrics")).status).toBe(401);
  });

  it("is open without keys (a loopback server), like the management API", async () => {
    const h = await start();
    expect((await request(h.app).get("/metrics")).status).toBe(200);
    expect((await request(h.app).post("/metrics")).status).toBe(405);
  });

  it("is for admin keys: CMP_API_KEYS and --admin named keys read it, other named keys get 403", async () => {
    const h = await start({ apiKeys: ["sk-one"] });
    const create = async (body: Record<string, unknown>) =>
      (await request(h.app).post("/v1/management/keys").set("authorization", "Bearer sk-one").send(body)).body
        .key as string;
    const reader = await create({ name: "reader" });
    const admin = await create({ name: "ops", admin: true });
    const scrape = (key: string) => request(h.app).get("/metrics").set("authorization", `Bearer ${key}`);
    expect((await scrape("sk-one")).status).toBe(200);
    expect((await scrape(admin)).status).toBe(200);
    const refused = await scrape(reader);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("metrics_forbidden");
    expect((await scrape("sk-wrong")).status).toBe(401);
    expect(mayReadMetrics({ metricsPublic: true }, {} as never)).toBe(true);
  });
});
