import type { QuotaSnapshot } from "@cmp/codex-client";
import type { QuotaStatus, RequestRecord } from "@cmp/protocol";
import { describe, expect, it } from "vitest";
import { parseMetrics } from "../testing/prometheus-text.js";
import { createMetrics } from "./cmp-metrics.js";

const record = (fields: Partial<RequestRecord> = {}): RequestRecord => ({
  id: "req_1",
  startedAt: "2026-12-01T00:00:00.000Z",
  model: "gpt-5.4",
  slug: "gpt-5.4",
  effort: null,
  stream: false,
  api: "chat",
  state: "done",
  status: 200,
  ttftMs: 800,
  durationMs: 1_500,
  usage: { input: 100, cached: 40, output: 30, reasoning: 10 },
  error: null,
  ...fields,
});

const finished = (fields: Partial<RequestRecord> = {}, errorCode: string | null = null) => ({
  record: record(fields),
  sse: false,
  errorCode,
});

const scrape = async (metrics = createMetrics({ processMetrics: false })) =>
  parseMetrics(await metrics.render());

describe("CmpMetrics", () => {
  it("counts a finished request by api, model, account, key and status, with its tokens and timings", async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requestFinished(finished({ account: "work", key: "ci-bot" }), 200, false);
    metrics.requestFinished(finished({ account: "work", key: "ci-bot" }), 200, false);
    metrics.requestFinished(
      finished({ usage: null, ttftMs: null, status: 429 }, "usage_limit_reached"),
      429,
      false,
    );
    const m = await scrape(metrics);
    const who = { model: "gpt-5.4", account: "work", key: "ci-bot" };
    expect(m.total("cmp_requests_total", { api: "chat", code: "200", ...who })).toBe(2);
    expect(m.total("cmp_requests_total", { api: "chat", code: "429", account: "none", key: "none" })).toBe(1);
    expect(m.total("cmp_input_tokens_total", who)).toBe(200);
    expect(m.total("cmp_cached_input_tokens_total", who)).toBe(80);
    expect(m.total("cmp_output_tokens_total", who)).toBe(60);
    expect(m.total("cmp_reasoning_tokens_total", who)).toBe(20);
    expect(m.total("cmp_request_duration_seconds", { api: "chat", code_class: "2xx" })).toBe(2);
    expect(m.total("cmp_request_duration_seconds_sum", { code_class: "2xx" })).toBe(3);
    expect(m.total("cmp_request_duration_seconds_bucket", { code_class: "2xx", le: "1" })).toBe(0);
    expect(m.total("cmp_request_duration_seconds_bucket", { code_class: "2xx", le: "2.5" })).toBe(2);
    expect(m.total("cmp_time_to_first_token_seconds")).toBe(2);
    expect(m.total("cmp_time_to_first_token_seconds_bucket", { le: "1" })).toBe(2);
    expect(m.total("cmp_request_errors_total", { api: "chat", code: "usage_limit_reached" })).toBe(1);
    expect(m.types.get("cmp_requests_total")).toBe("COUNTER");
    expect(m.types.get("cmp_request_duration_seconds")).toBe("HISTOGRAM");
    expect(m.types.get("cmp_quota_used_percent")).toBe("GAUGE");
  });

  it("bounds every label: unknown apis, models, error codes and reasons are other; accounts and keys are capped", async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requestFinished(finished({ api: "grpc", slug: "not a slug!" }, "made_up_code"), 502, false);
    for (let i = 0; i < 100; i++) metrics.requestFinished(finished({ account: `acct-${i}` }), 200, false);
    for (let i = 0; i < 300; i++) metrics.requestFinished(finished({ key: `key-${i}` }), 200, false);
    metrics.requestFinished(finished(), 1234, false);
    metrics.upstreamError("weird_upstream_code");
    metrics.upstreamError("rate_limit_exceeded");
    metrics.retry("overloaded");
    metrics.retry("because I said so");
    metrics.failover("acct-1", "Not An Account!", "usage_limit_reached");
    const m = await scrape(metrics);
    expect(m.total("cmp_requests_total", { api: "other", model: "other", code: "502" })).toBe(1);
    expect(m.total("cmp_request_errors_total", { api: "other", code: "other" })).toBe(1);
    // 64 accounts and 256 key names are admitted, first seen first kept; the rest are `other`.
    expect(m.total("cmp_requests_total", { account: "other" })).toBe(36);
    expect(m.total("cmp_requests_total", { key: "other" })).toBe(44);
    expect(new Set(m.samples("cmp_requests_total").map((s) => s.labels["account"])).size).toBe(66);
    expect(m.total("cmp_requests_total", { code: "other" })).toBe(1);
    expect(m.total("cmp_upstream_errors_total", { code: "other" })).toBe(1);
    expect(m.total("cmp_upstream_errors_total", { code: "rate_limit_exceeded" })).toBe(1);
    expect(m.total("cmp_upstream_retries_total", { reason: "overloaded" })).toBe(1);
    expect(m.total("cmp_upstream_retries_total", { reason: "other" })).toBe(1);
    expect(
      m.total("cmp_account_failovers_total", {
        from_account: "acct-1",
        to_account: "other",
        reason: "usage_limit_reached",
      }),
    ).toBe(1);
  });

  it("counts an aborted request as 499 client_closed_request", async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requestFinished({ record: record({ usage: null }), sse: true, errorCode: null }, 200, true);
    const m = await scrape(metrics);
    expect(m.total("cmp_requests_total", { code: "499" })).toBe(1);
    expect(m.total("cmp_request_errors_total", { code: "client_closed_request" })).toBe(1);
    expect(m.total("cmp_request_duration_seconds", { code_class: "4xx" })).toBe(1);
  });

  it("counts token refreshes and their failures per account", async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.refresh("default", true);
    metrics.refresh("default", false);
    metrics.refresh("work", true);
    const m = await scrape(metrics);
    expect(m.total("cmp_token_refreshes_total", { account: "default" })).toBe(2);
    expect(m.total("cmp_token_refresh_failures_total", { account: "default" })).toBe(1);
    expect(m.total("cmp_token_refreshes_total", { account: "work" })).toBe(1);
    expect(m.samples("cmp_token_refresh_failures_total", { account: "work" })).toEqual([]);
  });

  it("shows each account's quota per limit and window, from either shape, and the reset time in Unix seconds", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const resetsAt = new Date("2026-12-01T05:00:00Z");
    const snapshot: QuotaSnapshot = {
      primary: { usedPercent: 12.5, windowMinutes: 300, resetsAt },
      secondary: { usedPercent: 60, windowMinutes: 10080, resetsAt: null },
      credits: null,
      planType: "pro",
      limits: [],
      activeLimit: null,
      rateLimitReachedType: null,
      updatedAt: new Date("2026-12-01T00:00:00Z"),
    };
    const status: QuotaStatus = {
      primary: null,
      secondary: null,
      credits: null,
      plan_type: "plus",
      limits: [
        {
          id: "codex_bengalfox",
          name: null,
          active: false,
          primary: { used_percent: 3, window_minutes: 300, resets_at: "2026-12-01T06:00:00.000Z" },
          secondary: null,
        },
      ],
      updated_at: "2026-12-01T00:00:00.000Z",
    };
    metrics.readQuotaAtScrape("default", () => status);
    const fallback = await scrape(metrics);
    expect(fallback.total("cmp_quota_used_percent", { account: "default", limit: "codex_bengalfox" })).toBe(
      3,
    );

    metrics.quota("home", snapshot);
    metrics.quota("work", status);
    const m = await scrape(metrics);
    // The pool reports quotas now: the single login's reader is dropped.
    expect(m.samples("cmp_quota_used_percent", { account: "default" })).toEqual([]);
    expect(m.total("cmp_quota_used_percent", { account: "home", limit: "codex", window: "primary" })).toBe(
      12.5,
    );
    expect(m.total("cmp_quota_used_percent", { account: "home", limit: "codex", window: "secondary" })).toBe(
      60,
    );
    expect(m.total("cmp_quota_resets_at_timestamp_seconds", { account: "home", window: "primary" })).toBe(
      resetsAt.getTime() / 1000,
    );
    // No reset time known: no sample rather than a made-up one.
    expect(
      m.samples("cmp_quota_resets_at_timestamp_seconds", { account: "home", window: "secondary" }),
    ).toEqual([]);
    expect(
      m.total("cmp_quota_used_percent", { account: "work", limit: "codex_bengalfox", window: "primary" }),
    ).toBe(3);
    metrics.quota("home", null);
    expect((await scrape(metrics)).samples("cmp_quota_used_percent", { account: "home" })).toEqual([]);
  });

  it("counts live requests and open streams by api when scraped", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const stream = { record: record({ stream: true }), sse: true, errorCode: null };
    const plain = { record: record({ api: "responses" }), sse: false, errorCode: null };
    const notApi = { record: undefined, sse: false, errorCode: null };
    for (const request of [stream, plain, notApi]) metrics.started(request);
    let m = await scrape(metrics);
    expect(m.total("cmp_in_flight_requests", { api: "chat" })).toBe(1);
    expect(m.total("cmp_in_flight_requests", { api: "responses" })).toBe(1);
    expect(m.total("cmp_in_flight_requests", { api: "ollama" })).toBe(0);
    expect(m.total("cmp_open_streams")).toBe(1);
    for (const request of [stream, plain, notApi]) metrics.requestFinished(request, 200, false);
    m = await scrape(metrics);
    expect(m.total("cmp_in_flight_requests")).toBe(0);
    expect(m.total("cmp_requests_total")).toBe(3);
  });

  it("renders the process's metrics beside its own unless turned off", async () => {
    const withProcess = await createMetrics().render();
    expect(withProcess).toContain("process_cpu_user_seconds_total");
    expect(() => parseMetrics(withProcess)).not.toThrow();
    expect(await createMetrics({ processMetrics: false }).render()).not.toContain("process_cpu");
  });
});
