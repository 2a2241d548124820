import { builtinScenarios } from "./builtin-scenarios.js";
import type { Scenario, ScenarioRequest } from "./scenario.js";

/** How often the trickling scenarios write (ms): well under any idle timeout a test would set. */
export const HOSTILE_TRICKLE_MS = 100;
/** The length of the one line `huge-line` sends: over the proxy's 16 MiB bound. */
export const HOSTILE_LINE_BYTES = 17 * 1024 * 1024;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Scenario => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** An error status whose JSON body starts and then stalls: the head arrived, the body never ends. */
const stalledBody = (status: number): Scenario => ({
  status,
  headers: { "content-type": "application/json" },
  events: [{ raw: '{"error":{"message":"the body stalls her' }],
  end: "stall",
});

const text = (req: ScenarioRequest) => builtinScenarios["text"]?.(req) ?? {};

/**
 * Answers of a hostile (or broken) backend, each a thing a real proxy in front of the backend, or a
 * backend bug, can send: absurd numbers, stalls, trickles, bad quota headers, endless lines. The proxy
 * must turn each into a well-formed OpenAI error within its deadline and keep serving.
 */
export const hostileScenarios = {
  /** 429 usage limit whose reset is `1e30` seconds away (`new Date` would be out of range). */
  "usage-limit-absurd-reset": () =>
    json(429, { error: { type: "usage_limit_reached", message: "limit", resets_in_seconds: 1e30 } }),
  /** 429 usage limit with `resets_at: 1e20` (unix seconds far beyond any date). */
  "usage-limit-absurd-reset-at": () =>
    json(429, { error: { type: "usage_limit_reached", message: "limit", resets_at: 1e20 } }),
  /** A 200 stream that fails with a usage limit whose reset is absurd. */
  "stream-usage-limit-absurd-reset": (): Scenario => ({
    events: [
      { type: "response.created", response: { id: "resp_hostile" } },
      {
        type: "response.failed",
        response: {
          id: "resp_hostile",
          error: { code: "usage_limit_reached", message: "limit", resets_in_seconds: 1e30 },
        },
      },
    ],
  }),
  /** 429 rate limit with a `Retry-After` of twenty digits. */
  "rate-limit-absurd-retry-after": () =>
    json(
      429,
      { error: { code: "rate_limit_exceeded", message: "slow down" } },
      { "retry-after": "9".repeat(20) },
    ),
  "stalled-error-body-500": () => stalledBody(500),
  "stalled-error-body-429": () => stalledBody(429),
  "stalled-error-body-401": () => stalledBody(401),
  /** A 500 whose body trickles a space every {@link HOSTILE_TRICKLE_MS}, forever. */
  "trickling-error-body": (): Scenario => ({
    status: 500,
    headers: { "content-type": "application/json" },
    events: [],
    trickle: { text: " ", everyMs: HOSTILE_TRICKLE_MS },
  }),
  /** A 200 stream that only ever sends `: keep-alive` comments. */
  "keep-alive-only": (): Scenario => ({
    events: [],
    trickle: { text: ": keep-alive\n\n", everyMs: HOSTILE_TRICKLE_MS },
  }),
  /** A 200 stream that starts, then trickles one byte of an unfinished line at a time, forever. */
  "trickling-stream": (): Scenario => ({
    events: [{ type: "response.created", response: { id: "resp_hostile" } }, { raw: "data: " }],
    trickle: { text: "x", everyMs: HOSTILE_TRICKLE_MS },
  }),
  /** The normal text answer, with `x-codex-primary-reset-at` (and the older form) far out of range. */
  "bad-quota-reset-at": (req: ScenarioRequest): Scenario => ({
    ...text(req),
    headers: {
      "x-codex-primary-reset-at": "99999999999999999",
      "x-codex-primary-reset-after-seconds": "1e300",
    },
  }),
  /** The normal text answer with every quota number garbage. */
  "bad-quota-numbers": (req: ScenarioRequest): Scenario => ({
    ...text(req),
    headers: {
      "x-codex-primary-used-percent": "1e309",
      "x-codex-primary-window-minutes": "-1",
      "x-codex-primary-reset-at": "-99999999999999999",
      "x-codex-primary-reset-after-seconds": "NaN",
      "x-codex-secondary-used-percent": "1e300",
      "x-codex-secondary-reset-at": "Infinity",
      "x-codex-credits-balance": "9".repeat(4000),
      "x-codex-plan-type": "p".repeat(4000),
    },
  }),
  /** No response head at all, until the client gives up. */
  "stalled-head": (): Scenario => ({ headDelayMs: 3_600_000, events: [], end: "stall" }),
  /** One SSE line of {@link HOSTILE_LINE_BYTES} without a line end, then a stall. */
  "huge-line": (): Scenario => ({
    events: [{ raw: `data: ${"a".repeat(HOSTILE_LINE_BYTES)}` }],
    end: "stall",
  }),
} satisfies Record<string, (req: ScenarioRequest) => Scenario>;

/** The name of one {@link hostileScenarios} entry. */
export type HostileScenarioName = keyof typeof hostileScenarios;

/** Every hostile scenario's name. */
export const HOSTILE_SCENARIO_NAMES = Object.keys(hostileScenarios) as HostileScenarioName[];
