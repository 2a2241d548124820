import type { CatalogModelRules } from "./model-catalog.js";

/**
 * The error answer the fake backend sends for a refused request: an HTTP status and a JSON body. Plain
 * data for the fake's own replies; a client of the real backend sees these as its own HTTP error type.
 */
export interface ErrorReply {
  status: number;
  body: unknown;
}

/** Top-level fields the backend accepts; anything else is `Unsupported parameter: X`. */
export const ACCEPTED_BODY_FIELDS: readonly string[] = [
  "model",
  "instructions",
  "input",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning",
  "store",
  "stream",
  "include",
  "prompt_cache_key",
  "text",
  "service_tier",
  "client_metadata",
];

const REASONING_FIELDS = ["effort", "summary", "context"];
const SUMMARY_VALUES = ["auto", "concise", "detailed"];
const VERBOSITY_VALUES = ["low", "medium", "high"];

function detail(message: string, status = 400): ErrorReply {
  return { status, body: { detail: message } };
}

function openaiError(message: string, param: string | null, code: string | null, status = 400): ErrorReply {
  return { status, body: { error: { message, type: "invalid_request_error", param, code } } };
}

function quoteList(values: string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")}, and ${quoted.at(-1)}` : (quoted[0] ?? "");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unsupportedValue(param: string, value: string, allowed: string[]): ErrorReply {
  return openaiError(
    `Unsupported value: '${param}' does not support '${value}' with this model. Supported values are: ${quoteList(allowed)}.`,
    param,
    "unsupported_value",
  );
}

function validateInput(input: unknown[]): ErrorReply | null {
  const calls = new Set<string>();
  for (const item of input) {
    if (!isObject(item)) continue;
    if (item["type"] === "item_reference" || typeof item["id"] === "string") {
      const id = typeof item["id"] === "string" ? item["id"] : "(reference)";
      return openaiError(
        `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
        "input",
        null,
        404,
      );
    }
    if (item["type"] === "function_call" && typeof item["call_id"] === "string") calls.add(item["call_id"]);
    if (item["type"] === "function_call_output") {
      const callId = typeof item["call_id"] === "string" ? item["call_id"] : "";
      if (!calls.has(callId)) {
        return openaiError(
          `No tool call found for function call output with call_id ${callId}.`,
          "input",
          null,
        );
      }
    }
  }
  return null;
}

/**
 * Validates a `POST /responses` body the way the ChatGPT Codex backend does, returning the backend's error
 * (`{"detail": …}` or OpenAI-style) or `null` when the request would be accepted.
 * `extraModels` are accepted without effort rules (the `fake-<scenario>` names).
 * @see [openai/codex `codex-rs/codex-api/src/requests/responses.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/requests/responses.rs)
 */
export function validateCodexRequest(
  body: unknown,
  catalog: readonly CatalogModelRules[],
  extraModels: readonly string[] = [],
): ErrorReply | null {
  if (!isObject(body)) return detail("We could not parse the JSON body of your request.");
  for (const key of Object.keys(body)) {
    if (!ACCEPTED_BODY_FIELDS.includes(key)) return detail(`Unsupported parameter: ${key}`);
  }
  const reasoning = body["reasoning"];
  if (reasoning !== undefined && reasoning !== null) {
    if (!isObject(reasoning)) return detail("Invalid type for 'reasoning': expected an object.");
    for (const key of Object.keys(reasoning)) {
      if (!REASONING_FIELDS.includes(key)) return detail(`Unknown parameter: 'reasoning.${key}'.`);
    }
  }
  if (body["store"] !== false) return detail("Store must be set to false");
  if (body["stream"] !== true) return detail("Stream must be set to true");
  const model = body["model"];
  if (typeof model !== "string" || model.length === 0) return detail("Missing required parameter: 'model'.");
  const rules = catalog.find((m) => m.slug === model);
  if (!rules && !extraModels.includes(model)) {
    return detail(`The '${model}' model is not supported when using Codex with a ChatGPT account.`);
  }
  if (body["instructions"] !== undefined && typeof body["instructions"] !== "string") {
    return detail("Instructions must be a string");
  }
  if (!Array.isArray(body["input"])) return detail("Input must be a list");
  if (isObject(reasoning)) {
    const effort = reasoning["effort"];
    if (effort !== undefined && effort !== null && rules && !rules.efforts.includes(String(effort))) {
      return unsupportedValue("reasoning.effort", String(effort), rules.efforts);
    }
    const summary = reasoning["summary"];
    if (summary !== undefined && summary !== null && !SUMMARY_VALUES.includes(String(summary))) {
      return unsupportedValue("reasoning.summary", String(summary), SUMMARY_VALUES);
    }
  }
  const text = body["text"];
  if (
    isObject(text) &&
    text["verbosity"] !== undefined &&
    !VERBOSITY_VALUES.includes(String(text["verbosity"]))
  ) {
    return unsupportedValue("text.verbosity", String(text["verbosity"]), VERBOSITY_VALUES);
  }
  const tier = body["service_tier"];
  if (tier !== undefined && tier !== null && rules) {
    const allowed = ["auto", "default", ...rules.serviceTiers];
    if (!allowed.includes(String(tier))) return unsupportedValue("service_tier", String(tier), allowed);
  }
  return validateInput(body["input"]);
}
