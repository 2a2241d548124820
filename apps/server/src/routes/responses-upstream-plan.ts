import {
  collectResponsesSystemPrompts,
  type ResponsesRequest,
  responsesPromptCacheKey,
  sanitizeResponsesRequest,
} from "@cmp/transform";
import type { RequestRecord } from "../state/request-record.js";
import type { UpstreamPlan } from "./upstream-send.js";

/**
 * The upstream plan of a Responses API request, the same for `/v1/responses` and
 * `/v1/responses/compact`: the client's reasoning, verbosity and tier settings, its system prompts,
 * and the sanitised body. `shapeBody` turns the sanitised body into the endpoint's own (the compact
 * endpoint takes fewer fields); default: sent as it is.
 */
export function responsesUpstreamPlan(
  request: ResponsesRequest,
  opened: { model: string; record: RequestRecord; warnings: string[] },
  shapeBody: (sanitised: Record<string, unknown>) => unknown = (sanitised) => sanitised,
): UpstreamPlan {
  return {
    model: {
      model: opened.model,
      reasoningEffort: request.reasoning?.effort ?? null,
      reasoningSummary: request.reasoning?.summary ?? null,
      verbosity: request.text?.verbosity ?? null,
      serviceTier: request.service_tier ?? null,
    },
    promptCacheKey: responsesPromptCacheKey(request),
    record: opened.record,
    warnings: opened.warnings,
    systemPrompts: collectResponsesSystemPrompts(request),
    fallbackWarning:
      "the backend rejected custom instructions; sent the Codex prompt with your instructions as a developer message",
    build: (selected, resolved, { promptCacheKey }) => {
      const sanitised = sanitizeResponsesRequest(request, {
        model: resolved,
        instructions: selected.instructions,
        systemMessages: selected.systemMessages,
        promptCacheKey,
      });
      return {
        value: shapeBody(sanitised.value),
        promptCacheKey: sanitised.promptCacheKey,
        continuesTurn: sanitised.continuesTurn,
        warnings: sanitised.warnings,
      };
    },
  };
}
