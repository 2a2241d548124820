import { builtinScenarios } from "./builtin-scenarios.js";
import type { Scenario, ScenarioInput, ScenarioRequest } from "./scenario.js";
import { TestkitError } from "./testkit-error.js";

/** Models named `fake-<scenario>` select a built-in scenario. */
export const FAKE_MODEL_PREFIX = "fake-";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isRecord(part) && typeof part["text"] === "string" ? part["text"] : ""))
    .join("");
}

/** Text of the last user message of a Responses `input`. */
export function readLastUserText(input: unknown): string {
  if (!Array.isArray(input)) return "";
  for (let i = input.length - 1; i >= 0; i -= 1) {
    const item: unknown = input[i];
    if (isRecord(item) && item["role"] === "user" && (item["type"] ?? "message") === "message") {
      return contentText(item["content"]);
    }
  }
  return "";
}

/** Names of the function tools of a request. */
export function readToolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool) => (isRecord(tool) && typeof tool["name"] === "string" ? [tool["name"]] : []));
}

/** Throws a `TestkitError` naming the known scenarios when `name` is not a built-in one. */
export function assertScenarioName(name: string): void {
  if (!Object.hasOwn(builtinScenarios, name)) {
    throw new TestkitError(
      "TESTKIT_INVALID_SCENARIO",
      `unknown scenario "${name}"; known: ${Object.keys(builtinScenarios).join(", ")}`,
    );
  }
}

/** A built-in scenario by name; throws a `TestkitError` for unknown names. */
export function namedScenario(name: string, request: ScenarioRequest): Scenario {
  assertScenarioName(name);
  const make = builtinScenarios[name];
  if (!make) throw new TestkitError("TESTKIT_INVALID_SCENARIO", `unknown scenario "${name}"`);
  return make(request);
}

/**
 * Picks the scenario for a request: the one a test set (`setScenario`), else the `x-fake-scenario` header,
 * else a `fake-<name>` model, else a `[scenario=<name>]` tag in the last user text, else `text`.
 */
export function resolveScenario(input: ScenarioInput | null, request: ScenarioRequest): Scenario {
  if (input !== null) {
    const chosen = typeof input === "function" ? input(request) : input;
    return typeof chosen === "string" ? namedScenario(chosen, request) : chosen;
  }
  const header = request.headers["x-fake-scenario"]?.trim();
  if (header) return namedScenario(header, request);
  if (request.model.startsWith(FAKE_MODEL_PREFIX)) {
    return namedScenario(request.model.slice(FAKE_MODEL_PREFIX.length), request);
  }
  const tag = /\[scenario=([\w-]+)\]/.exec(request.lastUserText)?.[1];
  return namedScenario(tag ?? "text", request);
}
