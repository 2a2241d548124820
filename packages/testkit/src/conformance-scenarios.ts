import { deactivatedWorkspaceReply, tokenRevokedReply } from "./account-refusals.js";
import type { ErrorReply } from "./codex-validation.js";
import { buildFullResponseEvents, type FullItemSpec } from "./full-response-events.js";
import { buildResponseEvents } from "./response-events.js";
import type { Scenario, ScenarioRequest } from "./scenario.js";

const TEXT = "Paris is the capital of France.";

function full(
  req: ScenarioRequest,
  name: string,
  items: FullItemSpec[],
  extras: boolean | "metadata" = false,
): Scenario {
  return { name, events: buildFullResponseEvents({ model: req.model, items, extras }) };
}

function json(name: string, status: number, body: unknown): Scenario {
  return { name, status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

function reply(name: string, error: ErrorReply): Scenario {
  return json(name, error.status, error.body);
}

/** A 200 stream that fails before any output, with a `response.failed` or an `error` event. */
function failsInStream(
  req: ScenarioRequest,
  name: string,
  code: string,
  message: string,
  shape: "failed" | "error",
): Scenario {
  const end =
    shape === "failed"
      ? ({ type: "failed", code, message } as const)
      : ({ type: "error", code, message, shape: "nested" } as const);
  return { name, events: buildResponseEvents({ model: req.model, end }) };
}

/** True when the request replays an encrypted reasoning item. */
function replaysReasoning(req: ScenarioRequest): boolean {
  const input = req.body["input"];
  return (
    Array.isArray(input) &&
    input.some(
      (item: unknown) =>
        typeof item === "object" &&
        item !== null &&
        (item as Record<string, unknown>)["type"] === "reasoning" &&
        typeof (item as Record<string, unknown>)["encrypted_content"] === "string",
    )
  );
}

/**
 * Scenarios of the backend's current rules (December 2026): streams with every event type of the
 * Responses API (`full-*`), and the error codes a proxy must tell apart. Each is a function of the
 * request, like the built-in ones, and is listed among them.
 */
export const conformanceScenarios: Record<string, (req: ScenarioRequest) => Scenario> = {
  "full-text": (req) =>
    full(req, "full-text", [
      {
        type: "message",
        text: TEXT,
        citations: [{ url: "https://en.wikipedia.org/wiki/Paris", title: "Paris", start: 0, end: 5 }],
      },
    ]),
  /** `full-text` plus the backend's `response.metadata` and an event type no client knows. */
  "full-extras": (req) => full(req, "full-extras", [{ type: "message", text: TEXT }], true),
  /** `full-text` plus the backend's `response.metadata` only (an event current SDKs know). */
  "full-metadata": (req) => full(req, "full-metadata", [{ type: "message", text: TEXT }], "metadata"),
  "full-reasoning": (req) =>
    full(req, "full-reasoning", [
      { type: "reasoning", summary: ["**Recalling geography**\n\nFrance's capital.", "Answer in one line."] },
      { type: "message", text: TEXT },
    ]),
  "full-tools": (req) =>
    full(req, "full-tools", [
      { type: "function_call", name: req.toolNames[0] ?? "get_weather", arguments: '{"location":"Paris"}' },
      { type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch\n*** End Patch\n" },
    ]),
  "full-web-search": (req) =>
    full(req, "full-web-search", [
      { type: "web_search_call", query: "capital of France" },
      {
        type: "message",
        text: TEXT,
        citations: [
          { url: "https://www.britannica.com/place/Paris", title: "Paris | Britannica", start: 0, end: 5 },
        ],
      },
      { type: "image_generation_call", prompt: "the Eiffel tower at dusk" },
    ]),
  "invalid-prompt": () =>
    json("invalid-prompt", 400, {
      error: {
        type: "invalid_request_error",
        code: "invalid_prompt",
        message: "Invalid prompt: your prompt was flagged as potentially violating our usage policy.",
        param: null,
      },
    }),
  "overloaded-event": (req) =>
    failsInStream(
      req,
      "overloaded-event",
      "server_is_overloaded",
      "Our servers are currently overloaded. Please try again later.",
      "error",
    ),
  "slow-down-event": (req) =>
    failsInStream(
      req,
      "slow-down-event",
      "slow_down",
      "Too many requests right now; please slow down.",
      "failed",
    ),
  "slow-down": () =>
    json("slow-down", 429, {
      error: { type: "rate_limit_error", code: "slow_down", message: "Please slow down.", param: null },
    }),
  "cyber-policy": () =>
    json("cyber-policy", 400, {
      error: {
        type: "invalid_request_error",
        code: "cyber_policy",
        message:
          "This request was flagged under our cybersecurity policy. If you believe this is a mistake, contact support.",
        param: null,
      },
    }),
  "cyber-policy-event": (req) =>
    failsInStream(
      req,
      "cyber-policy-event",
      "cyber_policy",
      "This request was flagged under our cybersecurity policy.",
      "failed",
    ),
  "token-revoked": () => reply("token-revoked", tokenRevokedReply()),
  "deactivated-workspace": () => reply("deactivated-workspace", deactivatedWorkspaceReply()),
  /** Refuses any replayed encrypted reasoning (as after a key rotation), else answers `text`. */
  "reasoning-rejected": (req) =>
    replaysReasoning(req)
      ? json("reasoning-rejected", 400, {
          error: {
            type: "invalid_request_error",
            code: "invalid_encrypted_content",
            message: "The encrypted content for item rs_1 could not be verified.",
            param: null,
          },
        })
      : {
          name: "reasoning-rejected",
          events: buildResponseEvents({ model: req.model, items: [{ type: "message", text: TEXT }] }),
        },
};
