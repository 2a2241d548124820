import { createHash } from "node:crypto";
import type { Scenario, ScenarioStep } from "./scenario.js";

/** Options of {@link createCacheModel}. */
export interface CacheModelOptions {
  /** How many upstream servers, each with its own prefix cache (default 4). */
  servers?: number;
  /** Cached tokens come in blocks of this size (default 128). */
  blockTokens?: number;
  /** Prompts shorter than this share nothing (default 1 024 tokens). */
  minCachedTokens?: number;
  /** The deterministic tokenizer: this many characters of the serialised prompt per token (default 4). */
  charsPerToken?: number;
  /** Prompts each server remembers, oldest forgotten first (default 256). */
  maxPromptsPerServer?: number;
}

/** What one request got from the cache model. */
export interface CacheUsage {
  /** The server the request landed on (0-based). */
  server: number;
  inputTokens: number;
  cachedTokens: number;
  /** What one server holding every earlier prompt would have given. */
  idealCachedTokens: number;
}

/** Totals since the model was created (or reset). */
export interface CacheModelStats {
  requests: number;
  inputTokens: number;
  cachedTokens: number;
  idealCachedTokens: number;
  /** Requests per server. */
  perServer: number[];
}

/** The fake backend's prompt cache: K servers, routed by `session-id`. */
export interface FakeCacheModel {
  /** Routes one `POST /responses`, measures its cached prefix, then caches its prompt. */
  serve(headers: Record<string, string>, body: unknown): CacheUsage;
  stats(): CacheModelStats;
  /** What each served request got, in order. */
  usages(): CacheUsage[];
  /** Forgets every cached prompt and zeroes the totals. */
  reset(): void;
}

/**
 * The prompt as the cache sees it: model, instructions, tools, then each input item, one per line, so
 * a conversation that grows at its end keeps its earlier text as an exact prefix.
 */
export function serializePrompt(body: unknown): string {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const lines = [
    String(record["model"] ?? ""),
    JSON.stringify(record["instructions"] ?? ""),
    JSON.stringify(record["tools"] ?? []),
  ];
  const input = record["input"];
  if (Array.isArray(input)) for (const item of input) lines.push(JSON.stringify(item));
  return `${lines.join("\n")}\n`;
}

function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * A model of the backend's prompt caching, for measuring a client's cache affinity: `servers` upstream
 * servers each keep a prefix cache. Only the `session-id` header pins a conversation to a server (a hash
 * of it); a request without one goes to the next server in turn, as a load balancer would spread it. The
 * cached tokens are the longest prefix the prompt shares with a prompt that server has seen, counted in
 * `blockTokens` blocks and only from `minCachedTokens` on (OpenAI's prompt-caching rule), with a
 * deterministic token count (`charsPerToken` characters per token of {@link serializePrompt}).
 */
export function createCacheModel(options: CacheModelOptions = {}): FakeCacheModel {
  const servers = Math.max(1, Math.trunc(options.servers ?? 4));
  const blockTokens = options.blockTokens ?? 128;
  const minCachedTokens = options.minCachedTokens ?? 1024;
  const charsPerToken = options.charsPerToken ?? 4;
  const maxPrompts = options.maxPromptsPerServer ?? 256;
  let caches: string[][] = [];
  let ideal: string[] = [];
  let nextServer = 0;
  let stats: CacheModelStats;
  let usages: CacheUsage[] = [];

  const reset = () => {
    caches = Array.from({ length: servers }, () => []);
    ideal = [];
    nextServer = 0;
    usages = [];
    stats = {
      requests: 0,
      inputTokens: 0,
      cachedTokens: 0,
      idealCachedTokens: 0,
      perServer: caches.map(() => 0),
    };
  };
  reset();

  const tokens = (chars: number) => Math.ceil(chars / charsPerToken);
  const cachedFrom = (prompt: string, cache: readonly string[]): number => {
    let longest = 0;
    for (const seen of cache) longest = Math.max(longest, commonPrefixLength(prompt, seen));
    // Only whole tokens of the shared text count, and a prompt never hits on all of itself.
    const shared = Math.min(Math.floor(longest / charsPerToken), tokens(prompt.length) - 1);
    if (shared < minCachedTokens) return 0;
    return Math.floor(shared / blockTokens) * blockTokens;
  };
  const remember = (cache: string[], prompt: string) => {
    cache.push(prompt);
    if (cache.length > maxPrompts) cache.shift();
  };
  const route = (sessionId: string | undefined): number => {
    if (sessionId) return createHash("sha256").update(sessionId).digest().readUInt32BE(0) % servers;
    const server = nextServer;
    nextServer = (nextServer + 1) % servers;
    return server;
  };

  return {
    serve(headers, body) {
      const prompt = serializePrompt(body);
      const server = route(headers["session-id"]);
      const cache = caches[server] ?? [];
      const usage: CacheUsage = {
        server,
        inputTokens: tokens(prompt.length),
        cachedTokens: cachedFrom(prompt, cache),
        idealCachedTokens: cachedFrom(prompt, ideal),
      };
      remember(cache, prompt);
      remember(ideal, prompt);
      usages.push(usage);
      stats.requests += 1;
      stats.inputTokens += usage.inputTokens;
      stats.cachedTokens += usage.cachedTokens;
      stats.idealCachedTokens += usage.idealCachedTokens;
      stats.perServer[server] = (stats.perServer[server] ?? 0) + 1;
      return usage;
    },
    stats: () => ({ ...stats, perServer: [...stats.perServer] }),
    usages: () => [...usages],
    reset,
  };
}

const TERMINAL_WITH_USAGE: ReadonlySet<string> = new Set(["response.completed", "response.incomplete"]);

/**
 * The scenario with the cache model's counts in its terminal event's `response.usage`: `input_tokens`,
 * `input_tokens_details.cached_tokens` and `total_tokens` (output counts kept). Other steps are shared.
 */
export function applyCacheUsage(scenario: Scenario, usage: CacheUsage): Scenario {
  if (scenario.events === undefined) return scenario;
  const events = scenario.events.map((step): ScenarioStep => {
    if (!("type" in step) || !TERMINAL_WITH_USAGE.has(step.type)) return step;
    const response = step["response"];
    if (typeof response !== "object" || response === null) return step;
    const old = (response as Record<string, unknown>)["usage"];
    const previous = typeof old === "object" && old !== null ? (old as Record<string, unknown>) : {};
    const output = typeof previous["output_tokens"] === "number" ? previous["output_tokens"] : 0;
    const patched = {
      ...previous,
      input_tokens: usage.inputTokens,
      input_tokens_details: { cached_tokens: usage.cachedTokens },
      output_tokens: output,
      total_tokens: usage.inputTokens + output,
    };
    return { ...step, response: { ...response, usage: patched } };
  });
  return { ...scenario, events };
}
