import { CLOUDFLARE_BLOCK_HTML, CLOUDFLARE_HEADERS } from "./auth-errors.js";
import { conformanceScenarios } from "./conformance-scenarios.js";
import { buildResponseEvents, type OutputItemSpec, type ResponseEventsSpec } from "./response-events.js";
import type { Scenario, ScenarioRequest } from "./scenario.js";
import { usageLimitReply } from "./usage-limit.js";

/** Text of the default `text` scenario. */
export const DEFAULT_REPLY_TEXT = "Hello from the fake Codex backend.";

/** The official Codex CLI test fixture stream (its three events, each closed by a blank line). */
export const OFFICIAL_FIXTURE_SSE = `event: response.created
data: {"type":"response.created","response":{"id":"resp1"}}

event: response.output_item.done
data: {"type":"response.output_item.done","item":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"fixture hello"}]}}

event: response.completed
data: {"type":"response.completed","response":{"id":"resp1","output":[]}}

`;

function stream(
  req: ScenarioRequest,
  name: string,
  spec: ResponseEventsSpec,
  extra: Partial<Scenario> = {},
): Scenario {
  return { name, events: buildResponseEvents({ model: req.model, ...spec }), ...extra };
}

function json(name: string, status: number, body: unknown, headers: Record<string, string> = {}): Scenario {
  return {
    name,
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

function toolCall(req: ScenarioRequest, index: number, deltas?: false): OutputItemSpec {
  const name = req.toolNames[index] ?? req.toolNames[0] ?? "get_weather";
  const city = ["Paris", "Tokyo"][index] ?? "Berlin";
  return { type: "function_call", name, arguments: JSON.stringify({ location: city }), deltas };
}

function usageLimit(req: ScenarioRequest, name: string, status: number): Scenario {
  const nowMs = req.nowMs ?? Date.now();
  const reply = usageLimitReply(
    { planType: req.planType, resetsAt: Math.floor(nowMs / 1000) + 3600, nowMs },
    status,
  );
  return json(name, reply.status, reply.body);
}

const TEXT_ITEM: OutputItemSpec = { type: "message", text: DEFAULT_REPLY_TEXT };

/**
 * The built-in scenarios by name. Each is a function of the request, so `echo` and `tools` can use it.
 * See the README for the table.
 */
export const builtinScenarios: Record<string, (req: ScenarioRequest) => Scenario> = {
  text: (req) => stream(req, "text", { items: [TEXT_ITEM] }),
  echo: (req) => stream(req, "echo", { items: [{ type: "message", text: req.lastUserText || "(empty)" }] }),
  reasoning: (req) =>
    stream(req, "reasoning", {
      items: [
        {
          type: "reasoning",
          summary: ["**Thinking it over**\n\nThe user wants a greeting.", "I will answer briefly."],
        },
        TEXT_ITEM,
      ],
    }),
  tools: (req) => stream(req, "tools", { items: [toolCall(req, 0)] }),
  "parallel-tools": (req) => stream(req, "parallel-tools", { items: [toolCall(req, 0), toolCall(req, 1)] }),
  "tools-no-deltas": (req) => stream(req, "tools-no-deltas", { items: [toolCall(req, 0, false)] }),
  incomplete: (req) =>
    stream(req, "incomplete", {
      items: [{ type: "message", text: "This answer was cut short because" }],
      end: { type: "incomplete", reason: "max_output_tokens" },
    }),
  failed: (req) =>
    stream(req, "failed", {
      end: {
        type: "failed",
        code: "context_length_exceeded",
        message:
          "Your input exceeds the context window of this model. Please adjust your input and try again.",
      },
    }),
  "error-event": (req) =>
    stream(req, "error-event", {
      items: [{ type: "message", text: "Partial answer" }],
      end: { type: "error", code: "server_is_overloaded", message: "Our servers are currently overloaded." },
    }),
  cut: (req) => stream(req, "cut", { items: [TEXT_ITEM], end: { type: "none" } }),
  reset: (req) => {
    const events = buildResponseEvents({ model: req.model, items: [TEXT_ITEM] });
    return { name: "reset", events: events.slice(0, 5), end: "reset" };
  },
  slow: (req) => stream(req, "slow", { items: [TEXT_ITEM] }, { eventDelayMs: 50 }),
  stall: () => ({ name: "stall", events: [], end: "stall" }),
  "usage-limit": (req) => usageLimit(req, "usage-limit", 429),
  "usage-limit-404": (req) => usageLimit(req, "usage-limit-404", 404),
  "server-error": () =>
    json("server-error", 500, {
      error: {
        message: "An error occurred while processing your request.",
        type: "server_error",
        param: null,
        code: null,
      },
    }),
  "bad-gateway": () => ({
    name: "bad-gateway",
    status: 502,
    headers: { "content-type": "text/html", ...CLOUDFLARE_HEADERS },
    body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>\n",
  }),
  unavailable: () => json("unavailable", 503, { detail: "Service Unavailable" }, { "retry-after": "1" }),
  cloudflare: () => ({
    name: "cloudflare",
    status: 403,
    headers: { "content-type": "text/html; charset=UTF-8", ...CLOUDFLARE_HEADERS },
    body: CLOUDFLARE_BLOCK_HTML,
  }),
  "official-fixture": () => ({ name: "official-fixture", events: [{ raw: OFFICIAL_FIXTURE_SSE }] }),
  ...conformanceScenarios,
};

/** Names of the built-in scenarios. */
export const BUILTIN_SCENARIO_NAMES: readonly string[] = Object.keys(builtinScenarios);
