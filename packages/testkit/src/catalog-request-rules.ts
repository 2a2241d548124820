import { createHash } from "node:crypto";
import { compareClientVersions } from "./client-version.js";
import type { ErrorReply } from "./codex-validation.js";
import type { CatalogModelRules, ServedCatalog } from "./model-catalog.js";

/** The header that asks for the responses-lite request shape. */
export const RESPONSES_LITE_HEADER = "x-openai-internal-codex-responses-lite";

const REASONING_CONTEXTS = ["all_turns", "current_turn"];

/** The backend's refusal of a model the client's version is too old for (its text, as reported). */
export function newerVersionRequired(model: string): ErrorReply {
  return {
    status: 400,
    body: {
      detail: `The '${model}' model requires a newer version of Codex. Please upgrade to the latest app or CLI and try again.`,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The per-model rules of the current catalog that `validateCodexRequest` does not check:
 * - a `version` header older than the model's `minimal_client_version` → 400 "requires a newer version
 *   of Codex" (*reported*; a request without the header is not gated);
 * - the responses-lite header on a model without `use_responses_lite` → 400 (*reported*);
 * - `reasoning.summary` on a model whose `supports_reasoning_summary_parameter` is false → 400;
 * - `reasoning.context` other than `all_turns` / `current_turn` → 400.
 * Returns `null` when the request passes.
 */
export function checkCatalogRules(
  body: Record<string, unknown>,
  headers: Record<string, string>,
  rules: CatalogModelRules,
): ErrorReply | null {
  const version = headers["version"];
  if (
    version &&
    rules.minimalClientVersion &&
    compareClientVersions(version, rules.minimalClientVersion) < 0
  ) {
    return newerVersionRequired(rules.slug);
  }
  if (headers[RESPONSES_LITE_HEADER] !== undefined && !rules.useResponsesLite) {
    return {
      status: 400,
      body: { detail: `The responses-lite request shape is not supported for the '${rules.slug}' model.` },
    };
  }
  const reasoning = body["reasoning"];
  if (!isObject(reasoning)) return null;
  if (reasoning["summary"] !== undefined && reasoning["summary"] !== null && !rules.acceptsReasoningSummary) {
    return {
      status: 400,
      body: {
        error: {
          message: `Unsupported parameter: 'reasoning.summary' is not supported with the '${rules.slug}' model.`,
          type: "invalid_request_error",
          param: "reasoning.summary",
          code: "unsupported_parameter",
        },
      },
    };
  }
  const context = reasoning["context"];
  if (context !== undefined && !REASONING_CONTEXTS.includes(String(context))) {
    return {
      status: 400,
      body: {
        error: {
          message: `Invalid value: '${String(context)}'. Supported values are: 'all_turns' and 'current_turn'.`,
          type: "invalid_request_error",
          param: "reasoning.context",
          code: "invalid_value",
        },
      },
    };
  }
  return null;
}

/**
 * The catalog as `GET /models?client_version=…` serves it to that version: models whose
 * `minimal_client_version` is newer are hidden (*reported*). When none is hidden, the catalog's own text
 * and ETag are served unchanged.
 */
export function catalogForClientVersion(
  catalog: ServedCatalog,
  clientVersion: string,
): { text: string; etag: string } {
  const hidden = new Set(
    catalog.models
      .filter(
        (m) => m.minimalClientVersion && compareClientVersions(clientVersion, m.minimalClientVersion) < 0,
      )
      .map((m) => m.slug),
  );
  if (hidden.size === 0) return { text: catalog.text, etag: catalog.etag };
  const body = JSON.parse(catalog.text) as Record<string, unknown>;
  const models = Array.isArray(body["models"]) ? body["models"] : [];
  const text = JSON.stringify({
    ...body,
    models: models.filter((m) => !(isObject(m) && hidden.has(String(m["slug"])))),
  });
  return { text, etag: `"${createHash("sha256").update(text).digest("hex").slice(0, 24)}"` };
}
