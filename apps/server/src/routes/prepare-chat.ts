import type { AbortSignalLike, CodexResponse } from "@cmp/codex-client";
import {
  type ChatCompletionRequest,
  collectSystemPrompts,
  convertChatRequestToResponses,
} from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { isBackgroundTaskPrompt, type ProfileSettings } from "../client-profiles.js";
import type { PoolAccount } from "../state/account-pool.js";
import type { RequestRecord } from "../state/request-record.js";
import { prepareReasoningReplay } from "./reasoning-replay.js";
import { prepareUpstream } from "./upstream-send.js";

/** Sends one upstream request (with the one-time instructions fallback); call it `n` times for `n` choices. */
export type SendUpstream = (signal: AbortSignalLike) => Promise<CodexResponse>;

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

/** The ids of the tool calls the request's assistant messages made (the keys of cached reasoning). */
function toolCallIds(request: ChatCompletionRequest): string[] {
  const ids: string[] = [];
  for (const message of request.messages) {
    if (message.role !== "assistant" || !Array.isArray(message.tool_calls)) continue;
    for (const call of message.tool_calls) if (typeof call?.id === "string") ids.push(call.id);
  }
  return ids;
}

/**
 * Resolves login, catalog, model and instructions of `account` for a chat request and returns its
 * `send` function. `promptCacheKey` is the request's `chatPromptCacheKey`, which chose the account.
 * Throws (before any output) for no login, an unknown model, or an invalid request.
 */
export function prepareChat(
  ctx: AppContext,
  request: ChatCompletionRequest,
  record: RequestRecord,
  warnings: string[],
  account: PoolAccount,
  promptCacheKey: string,
): Promise<SendUpstream> {
  return prepareUpstream(
    ctx,
    {
      promptCacheKey,
      model: {
        model: request.model,
        reasoningEffort: request.reasoning_effort ?? null,
        verbosity: request.verbosity ?? null,
        serviceTier: request.service_tier ?? null,
      },
      record,
      warnings,
      systemPrompts: collectSystemPrompts(request),
      fallbackWarning:
        "the backend rejected custom instructions; sent the Codex prompt with your system prompt as a developer message",
      build: async (selected, resolved, { auth, replayReasoning, promptCacheKey }) => {
        const scope = { accountId: auth.accountId, slug: resolved.slug };
        const replay = await prepareReasoningReplay(ctx, scope, replayReasoning, () => toolCallIds(request));
        const result = convertChatRequestToResponses(request, {
          model: resolved,
          instructions: selected.instructions,
          systemMessages: selected.systemMessages,
          promptCacheKey,
          lookupReasoningItems: replay.lookup,
        });
        return { ...result, replayedReasoning: replay.replayed };
      },
    },
    account,
  );
}
