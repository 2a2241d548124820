import type { AbortSignalLike, CodexResponse } from "@cmp/codex-client";
import type { AccountAuth } from "@cmp/core";
import type { ResolvedModel } from "@cmp/models";
import {
  type ChatCompletionRequest,
  collectSystemPrompts,
  convertChatRequestToResponses,
} from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { isBackgroundTaskPrompt, type ProfileSettings } from "../client-profiles.js";
import type { RequestRecord } from "../state/request-record.js";
import { prepareUpstreamSend, resolveRequestModel } from "./upstream-send.js";

/** A chat request after the client profile, model resolution and instructions were applied. */
export interface PreparedChat {
  request: ChatCompletionRequest;
  auth: AccountAuth;
  resolved: ResolvedModel;
  warnings: string[];
  /** Sends one upstream request (with the one-time instructions fallback); call `n` times for `n` choices. */
  send(signal: AbortSignalLike): Promise<CodexResponse>;
}

function lastUserText(request: ChatCompletionRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role !== "user") continue;
    const content = message.content;
    if (typeof content === "string") return content;
    return content.map((part) => (part.type === "text" ? part.text : "")).join("");
  }
  return "";
}

/**
 * Applies the chat-only parts of the client profile (background tasks to `CMP_BACKGROUND_MODEL`, a
 * forced `tool_choice`) to a parsed request; returns the (possibly) changed request, adding warnings.
 */
export function applyProfile(
  ctx: AppContext,
  request: ChatCompletionRequest,
  profile: ProfileSettings,
  warnings: string[],
): ChatCompletionRequest {
  let out = request;
  const background = ctx.config.backgroundModel;
  if (
    profile.backgroundTasks &&
    background &&
    out.stream !== true &&
    isBackgroundTaskPrompt(lastUserText(out))
  ) {
    warnings.push(`background task sent to '${background}' instead of '${out.model}' (CMP_BACKGROUND_MODEL)`);
    out = { ...out, model: background };
  }
  if (
    profile.forceToolChoiceRequired &&
    (out.tools?.length ?? 0) > 0 &&
    (out.tool_choice === undefined || out.tool_choice === null || out.tool_choice === "auto")
  ) {
    warnings.push("tool_choice set to 'required' because tools are present (letta profile)");
    out = { ...out, tool_choice: "required" };
  }
  return out;
}

/**
 * Resolves login, catalog, model and instructions for a chat request and returns a `send` function.
 * Throws (before any output) for no login, an unknown model, or an invalid request.
 */
export async function prepareChat(
  ctx: AppContext,
  request: ChatCompletionRequest,
  record: RequestRecord,
  warnings: string[],
): Promise<PreparedChat> {
  const { auth, resolved } = await resolveRequestModel(
    ctx,
    {
      model: request.model,
      reasoningEffort: request.reasoning_effort ?? null,
      verbosity: request.verbosity ?? null,
      serviceTier: request.service_tier ?? null,
    },
    record,
    warnings,
  );
  const send = await prepareUpstreamSend(ctx, {
    auth,
    resolved,
    systemPrompts: collectSystemPrompts(request),
    warnings,
    fallbackWarning:
      "the backend rejected custom instructions; sent the Codex prompt with your system prompt as a developer message",
    build: (selected) =>
      convertChatRequestToResponses(request, {
        model: resolved,
        instructions: selected.instructions,
        systemMessages: selected.systemMessages,
        lookupReasoningItems: (callId) => ctx.reasoningCache.get(callId),
      }),
  });
  return { request, auth, resolved, warnings, send };
}
