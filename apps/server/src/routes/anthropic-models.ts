import { sendJson } from "@cmp/core";
import type { ModelEntry } from "@cmp/models";
import { ANTHROPIC_ERROR_DIALECT } from "../http/anthropic-error-dialect.js";
import type { HttpContext } from "../http/http-context.js";

/** One model in Anthropic's `/v1/models` shape. */
export interface AnthropicModel {
  type: "model";
  id: string;
  display_name: string;
  /** RFC 3339, from the entry's stable `created`. */
  created_at: string;
}

/** Whether a `/v1/models` request comes from an Anthropic client (the SDKs and Claude Code send `anthropic-version`). */
export function wantsAnthropicModels(http: HttpContext): boolean {
  return http.header("anthropic-version") !== undefined;
}

/** A `/v1/models` entry in Anthropic's shape. */
export function toAnthropicModel(entry: ModelEntry): AnthropicModel {
  return {
    type: "model",
    id: entry.id,
    display_name: entry.display_name,
    created_at: new Date(entry.created * 1000).toISOString(),
  };
}

/**
 * Answers `GET /v1/models` in Anthropic's list shape: `{ data, has_more, first_id, last_id }`, the whole
 * catalog on one page (it is a handful of models); errors of the request take Anthropic's shape too.
 */
export function sendAnthropicModelList(http: HttpContext, entries: readonly ModelEntry[]): void {
  http.errorDialect = ANTHROPIC_ERROR_DIALECT;
  const data = entries.map(toAnthropicModel);
  sendJson(http.res, 200, {
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  });
}
