import { bundledCatalog } from "@cmp/models";
import { KNOWN_REQUEST_APIS, type RequestRecord } from "@cmp/protocol";
import { Counter, Gauge, Registry } from "prom-client";
import {
  boundedLabel,
  type LabelBound,
  NONE_LABEL,
  OTHER_LABEL,
  statusClassLabel,
  statusLabel,
} from "./bounded-label.js";
import { CellHistogram, type HistogramCell } from "./cell-histogram.js";
import { KNOWN_ERROR_CODES } from "./known-error-codes.js";
import { LiveRequests, type LiveSlot } from "./live-requests.js";
import { processMetricsRegistry } from "./process-metrics.js";
import { type AccountQuota, type QuotaGaugeWindow, quotaGaugeWindows } from "./quota-view.js";

/**
 * Buckets of the latency and time-to-first-token histograms, in seconds: from a cached or refused
 * answer (50 ms) to a long reasoning turn (5 minutes, the default upstream idle timeout).
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300,
];

/**
 * Why a backend request was sent again, besides the error codes of {@link KNOWN_ERROR_CODES} (which
 * are accepted as reasons too): `overloaded` (the backend said so, the whole request again),
 * `server_error` (a 5xx), `connection` (reset or refused), `unauthorized` (a 401, replayed after a
 * token refresh), `instructions_rejected` and `reasoning_rejected` (rebuilt without them).
 */
export const RETRY_REASONS = [
  "overloaded",
  "server_error",
  "connection",
  "unauthorized",
  "instructions_rejected",
  "reasoning_rejected",
] as const;

/** One of {@link RETRY_REASONS}, or an error code; anything else is counted as `other`. */
export type RetryReason = (typeof RETRY_REASONS)[number] | (string & {});

/** What the metrics read of a request while it runs and when it ends (the pipeline's `HttpContext` is one). */
export interface MeteredRequest extends LiveSlot {
  /** The API request's record; `undefined` for the other routes (`/v1/models`, `/health`, …). */
  readonly record: RequestRecord | undefined;
  /** True for a streamed answer. */
  readonly sse: boolean;
  /** The error code the request was answered with, if any. */
  readonly errorCode: string | null;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Where the `cmp_*` metrics are registered; default a new registry (one per app). */
  registry?: Registry;
  /** Include the process's own metrics (CPU, memory, event loop, GC) in {@link CmpMetrics.render}; default true. */
  processMetrics?: boolean;
}

/** The account name of the single login (the pool's first account is named so too). */
export const DEFAULT_ACCOUNT = "default";

// Account names as the pool allows them (1–32 of a-z 0-9 . _ -); key names are chosen by operators.
const ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const KEY_NAME_PATTERN = /^[\w.@:-]{1,64}$/;
const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const LIMIT_PATTERN = /^[a-z0-9_]{1,64}$/;
/** The most combinations of request labels kept between scrapes (more: they are flushed and dropped). */
const MAX_CACHED_SERIES = 5_000;

/**
 * One combination of request labels: its counts since the last scrape, as plain numbers (a request
 * adds to them; a scrape moves them into the counters), and its histogram children, bound once.
 */
interface RequestSeries {
  labels: { api: string; model: string; account: string; key: string; code: string };
  errorLabels: { api: string; code: string } | null;
  requests: number;
  errors: number;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  duration: HistogramCell | null;
  ttft: HistogramCell | null;
}

/**
 * The server's Prometheus metrics (`cmp_*`), fed by the request log when a request ends
 * ({@link CmpMetrics.requestFinished}) and by the account pool ({@link CmpMetrics.retry},
 * {@link CmpMetrics.failover}, {@link CmpMetrics.refresh}, {@link CmpMetrics.upstreamError},
 * {@link CmpMetrics.quota}). Every label value is bounded: APIs and error codes by fixed lists, models
 * by the catalog, accounts and key names by a cap on how many are admitted; the rest is `other`, so no
 * client input can create series.
 */
export class CmpMetrics {
  /** The registry of the `cmp_*` metrics. */
  readonly registry: Registry;
  /** The `content-type` of {@link CmpMetrics.render}'s text. */
  readonly contentType: string = Registry.PROMETHEUS_CONTENT_TYPE;

  private readonly includeProcess: boolean;
  private readonly live = new LiveRequests<MeteredRequest>();
  private readonly series = new Map<string, RequestSeries>();
  private readonly quotas = new Map<string, AccountQuota>();
  private readonly quotaReaders = new Map<string, () => AccountQuota | null>();

  private readonly api: LabelBound = boundedLabel({ known: KNOWN_REQUEST_APIS });
  private readonly model: LabelBound = boundedLabel({
    known: bundledCatalog.map((model) => model.slug),
    learn: 32,
    pattern: SLUG_PATTERN,
  });
  private readonly account: LabelBound = boundedLabel({ learn: 64, pattern: ACCOUNT_PATTERN });
  private readonly keyName: LabelBound = boundedLabel({ learn: 256, pattern: KEY_NAME_PATTERN });
  private readonly errorCode: LabelBound = boundedLabel({ known: KNOWN_ERROR_CODES });
  private readonly reason: LabelBound = boundedLabel({ known: [...KNOWN_ERROR_CODES, ...RETRY_REASONS] });
  private readonly limit: LabelBound = boundedLabel({ known: ["codex"], learn: 16, pattern: LIMIT_PATTERN });

  private readonly requests: Counter<"api" | "model" | "account" | "key" | "code">;
  private readonly requestErrors: Counter<"api" | "code">;
  private readonly duration: CellHistogram<"api" | "model" | "code_class">;
  private readonly ttft: CellHistogram<"api" | "model">;
  private readonly inputTokens: Counter<"model" | "account" | "key">;
  private readonly cachedTokens: Counter<"model" | "account" | "key">;
  private readonly outputTokens: Counter<"model" | "account" | "key">;
  private readonly reasoningTokens: Counter<"model" | "account" | "key">;
  private readonly upstreamErrors: Counter<"code">;
  private readonly retries: Counter<"reason">;
  private readonly failovers: Counter<"from_account" | "to_account" | "reason">;
  private readonly refreshes: Counter<"account">;
  private readonly refreshFailures: Counter<"account">;

  constructor(options: MetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.includeProcess = options.processMetrics ?? true;
    const flush = () => this.flush();
    const tokens = (name: string, what: string) =>
      new Counter({
        name,
        help: `${what} tokens, by backend model, pool account and API key name.`,
        labelNames: ["model", "account", "key"] as const,
        registers,
        collect: flush,
      });
    this.requests = new Counter({
      name: "cmp_requests_total",
      help: "Requests answered, by API (other: every non-API route), backend model, pool account, API key name and HTTP status (499: the client left first).",
      labelNames: ["api", "model", "account", "key", "code"] as const,
      registers,
      collect: flush,
    });
    this.requestErrors = new Counter({
      name: "cmp_request_errors_total",
      help: "Requests answered with an error, by API and error code (the code in the error body; other: a code outside the known list).",
      labelNames: ["api", "code"] as const,
      registers,
      collect: flush,
    });
    this.duration = new CellHistogram({
      name: "cmp_request_duration_seconds",
      help: "Time from an API request's start to the end of its answer, by API, backend model and status class.",
      labelNames: ["api", "model", "code_class"] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.ttft = new CellHistogram({
      name: "cmp_time_to_first_token_seconds",
      help: "Time from an API request's start to the first token sent to the client, by API and backend model.",
      labelNames: ["api", "model"] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.inputTokens = tokens("cmp_input_tokens_total", "Input (prompt)");
    this.cachedTokens = tokens("cmp_cached_input_tokens_total", "Cached input (part of the input)");
    this.outputTokens = tokens("cmp_output_tokens_total", "Output (completion)");
    this.reasoningTokens = tokens("cmp_reasoning_tokens_total", "Reasoning (part of the output)");
    this.upstreamErrors = new Counter({
      name: "cmp_upstream_errors_total",
      help: "Failed backend requests (each attempt, retried or not), by error code.",
      labelNames: ["code"] as const,
      registers,
    });
    this.retries = new Counter({
      name: "cmp_upstream_retries_total",
      help: "Backend requests sent again, by reason.",
      labelNames: ["reason"] as const,
      registers,
    });
    this.failovers = new Counter({
      name: "cmp_account_failovers_total",
      help: "Requests moved from one pool account to another, by both accounts and the reason (an error code).",
      labelNames: ["from_account", "to_account", "reason"] as const,
      registers,
    });
    this.refreshes = new Counter({
      name: "cmp_token_refreshes_total",
      help: "ChatGPT token refreshes attempted, by pool account (failed ones included).",
      labelNames: ["account"] as const,
      registers,
    });
    this.refreshFailures = new Counter({
      name: "cmp_token_refresh_failures_total",
      help: "ChatGPT token refreshes that failed, by pool account.",
      labelNames: ["account"] as const,
      registers,
    });
    this.registerLiveGauges(registers);
    this.registerQuotaGauges(registers);
  }

  /**
   * A request arrived (the request log calls this for every request): it is in flight until
   * {@link CmpMetrics.requestFinished}, which the request log calls when its response closes.
   */
  started(request: MeteredRequest): void {
    this.live.add(request);
  }

  /**
   * A request ended (once, after the tracker closed its record): counts it,
   * its latency, time to first token, tokens and error code. `status` is the HTTP status sent;
   * `aborted` means the client left before the answer ended (counted as status 499).
   */
  requestFinished(request: MeteredRequest, status: number, aborted: boolean): void {
    this.live.delete(request);
    const record = request.record;
    const code = aborted ? "499" : statusLabel(status);
    const rawCode = aborted ? "client_closed_request" : (record?.errorCode ?? request.errorCode);
    // Bounded before it is part of a series key: the mapper passes unknown upstream codes through.
    const errorCode = rawCode === null ? null : this.errorCode(rawCode);
    if (record === undefined) {
      const series = this.seriesOf(OTHER_LABEL, NONE_LABEL, NONE_LABEL, NONE_LABEL, code, errorCode, false);
      series.requests++;
      if (series.errorLabels !== null) series.errors++;
      return;
    }
    const series = this.seriesOf(
      this.api(record.api),
      this.model(record.slug),
      this.account(record.account),
      this.keyName(record.key),
      code,
      errorCode,
      true,
    );
    series.requests++;
    if (series.errorLabels !== null) series.errors++;
    if (record.durationMs !== null) series.duration?.observe(record.durationMs / 1000);
    if (record.ttftMs !== null) series.ttft?.observe(record.ttftMs / 1000);
    const usage = record.usage;
    if (usage !== null) {
      series.input += usage.input;
      series.cached += usage.cached;
      series.output += usage.output;
      series.reasoning += usage.reasoning;
    }
  }

  /** A backend request is sent again (overload, 5xx, connection, refused instructions…). */
  retry(reason: RetryReason): void {
    this.retries.inc({ reason: this.reason(reason) });
  }

  /** The pool moved a request from `fromAccount` to `toAccount` because of `reason` (an error code). */
  failover(fromAccount: string, toAccount: string, reason: string): void {
    this.failovers.inc({
      from_account: this.account(fromAccount),
      to_account: this.account(toAccount),
      reason: this.reason(reason),
    });
  }

  /** A token refresh of `account` ended: `ok` false counts a failure too. */
  refresh(account: string, ok: boolean): void {
    const label = { account: this.account(account) };
    this.refreshes.inc(label);
    if (!ok) this.refreshFailures.inc(label);
  }

  /** One backend request failed with `code` (transform's error code, retried or not). */
  upstreamError(code: string): void {
    this.upstreamErrors.inc({ code: this.errorCode(code) });
  }

  /**
   * The latest quota of `account` (cheap: read when scraped); `null` drops the account's quota
   * series. Once called for any account, the readers of {@link CmpMetrics.readQuotaAtScrape} stop.
   */
  quota(account: string, quota: AccountQuota | null): void {
    const label = this.account(account);
    if (quota === null) this.quotas.delete(label);
    else this.quotas.set(label, quota);
    this.quotaReaders.clear();
  }

  /**
   * Reads `account`'s quota at each scrape from `read` (the single login's `QuotaTracker`), until the
   * pool reports quotas itself with {@link CmpMetrics.quota}.
   */
  readQuotaAtScrape(account: string, read: () => AccountQuota | null): void {
    if (this.quotas.size === 0) this.quotaReaders.set(this.account(account), read);
  }

  /** The Prometheus text of every metric: the `cmp_*` ones and, unless turned off, the process's own. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    if (!this.includeProcess) return own;
    return `${await processMetricsRegistry().metrics()}\n${own}`;
  }

  /**
   * The series of one combination of request labels (all already bounded; `errorCode` is the error
   * code's label or `null`): a map lookup once it exists. Past
   * {@link MAX_CACHED_SERIES} combinations the counts are flushed and the map starts again.
   */
  private seriesOf(
    api: string,
    model: string,
    account: string,
    key: string,
    code: string,
    errorCode: string | null,
    isApi: boolean,
  ): RequestSeries {
    const cacheKey = `${api}\u0000${model}\u0000${account}\u0000${key}\u0000${code}\u0000${errorCode ?? ""}`;
    let series = this.series.get(cacheKey);
    if (series !== undefined) return series;
    if (this.series.size >= MAX_CACHED_SERIES) {
      this.flush();
      this.series.clear();
    }
    series = {
      labels: { api, model, account, key, code },
      errorLabels: errorCode === null ? null : { api, code: errorCode },
      requests: 0,
      errors: 0,
      input: 0,
      cached: 0,
      output: 0,
      reasoning: 0,
      duration: isApi ? this.duration.cell({ api, model, code_class: statusClassLabel(Number(code)) }) : null,
      ttft: isApi ? this.ttft.cell({ api, model }) : null,
    };
    this.series.set(cacheKey, series);
    return series;
  }

  /**
   * Moves the request counts gathered since the last scrape into the counters (each counter's
   * `collect` calls it; the first one of a scrape does the work). A request only adds to plain
   * numbers: prom-client's `inc` costs about half a microsecond each, and a request has up to six.
   */
  private flush(): void {
    for (const series of this.series.values()) {
      if (series.requests === 0) continue;
      this.requests.inc(series.labels, series.requests);
      if (series.errorLabels !== null) this.requestErrors.inc(series.errorLabels, series.errors);
      const { model, account, key } = series.labels;
      const byUser = { model, account, key };
      if (series.input > 0) this.inputTokens.inc(byUser, series.input);
      if (series.cached > 0) this.cachedTokens.inc(byUser, series.cached);
      if (series.output > 0) this.outputTokens.inc(byUser, series.output);
      if (series.reasoning > 0) this.reasoningTokens.inc(byUser, series.reasoning);
      series.requests = series.errors = series.input = series.cached = series.output = series.reasoning = 0;
    }
  }

  /** `cmp_in_flight_requests` and `cmp_open_streams`, counted from the live requests when scraped. */
  private registerLiveGauges(registers: Registry[]): void {
    const live = this.live;
    const apiOf = this.api;
    const count = (gauge: Gauge<"api">, streamsOnly: boolean) => {
      gauge.reset();
      for (const api of KNOWN_REQUEST_APIS) gauge.set({ api }, 0);
      for (const request of live) {
        const record = request.record;
        if (record === undefined || (streamsOnly && !request.sse)) continue;
        gauge.inc({ api: apiOf(record.api) });
      }
    };
    new Gauge({
      name: "cmp_in_flight_requests",
      help: "API requests being answered, by API.",
      labelNames: ["api"] as const,
      registers,
      collect() {
        count(this, false);
      },
    });
    new Gauge({
      name: "cmp_open_streams",
      help: "Streamed API answers open, by API.",
      labelNames: ["api"] as const,
      registers,
      collect() {
        count(this, true);
      },
    });
  }

  /** The quota gauges, set from the latest quota of each account when scraped. */
  private registerQuotaGauges(registers: Registry[]): void {
    const current = (): Array<[string, AccountQuota]> => {
      if (this.quotas.size > 0) return [...this.quotas];
      const read: Array<[string, AccountQuota]> = [];
      for (const [account, reader] of this.quotaReaders) {
        const quota = reader();
        if (quota !== null) read.push([account, quota]);
      }
      return read;
    };
    const limitOf = this.limit;
    const setEach = (
      gauge: Gauge<"account" | "limit" | "window">,
      pick: (w: QuotaGaugeWindow) => number | null,
    ) => {
      gauge.reset();
      for (const [account, quota] of current()) {
        for (const w of quotaGaugeWindows(quota)) {
          const value = pick(w);
          if (value !== null) gauge.set({ account, limit: limitOf(w.limit), window: w.window }, value);
        }
      }
    };
    new Gauge({
      name: "cmp_quota_used_percent",
      help: "Share of the subscription's usage window used (0-100), by pool account, limit family and window (primary: about 5 hours, secondary: a week).",
      labelNames: ["account", "limit", "window"] as const,
      registers,
      collect() {
        setEach(this, (w) => w.usedPercent);
      },
    });
    new Gauge({
      name: "cmp_quota_resets_at_timestamp_seconds",
      help: "When the usage window resets (Unix time), by pool account, limit family and window.",
      labelNames: ["account", "limit", "window"] as const,
      registers,
      collect() {
        setEach(this, (w) => w.resetsAtSeconds);
      },
    });
  }
}

/** The metrics of one app; see {@link CmpMetrics}. */
export function createMetrics(options: MetricsOptions = {}): CmpMetrics {
  return new CmpMetrics(options);
}
