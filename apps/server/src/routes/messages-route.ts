import { sendJson } from "@cmp/core";
import {
  aggregateMessage,
  collectMessagesSystemPrompts,
  convertMessagesRequestToResponses,
  createMessagesSseBody,
  type MessagesRequest,
  type MessagesSseBodyOptions,
  type MessagesStreamMapper,
  messagesPromptCacheKey,
  messagesReasoningEffort,
  messagesThinkingOutput,
  parseMessagesRequest,
} from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { toHttpError } from "../errors/map-error.js";
import type { HttpContext } from "../http/http-context.js";
import { streamToClient } from "../http/stream-to-client.js";
import { createClaudeModelResolver } from "../state/anthropic-model-aliases.js";
import type { RecordUsage } from "../state/request-record.js";
import { withAccount } from "./account-failover.js";
import { answerHeaders, openApiRequest } from "./open-api-request.js";
import { prepareReasoningReplay } from "./reasoning-replay.js";
import { retryWhileOverloaded } from "./retry-overload.js";
import { prepareUpstream, type UpstreamPlan } from "./upstream-send.js";

function toRecordUsage(mapper: MessagesStreamMapper): RecordUsage | null {
  const usage = mapper.usage;
  if (usage === null) return null;
  return {
    input: usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens,
    cached: usage.cache_read_input_tokens,
    output: usage.output_tokens,
    reasoning: mapper.reasoningTokens,
  };
}

const claudeContexts = new WeakMap<AppContext, AppContext>();

/**
 * The app context the Messages routes resolve models with: the same state, with `claude-…` names
 * served by the catalog's models (`state/anthropic-model-aliases.ts`). Made once per app.
 */
export function withClaudeModels(app: AppContext): AppContext {
  let ctx = claudeContexts.get(app);
  if (ctx === undefined) {
    ctx = { ...app, resolveModel: createClaudeModelResolver(app.resolveModel, app.config.modelAliases) };
    claudeContexts.set(app, ctx);
  }
  return ctx;
}

/** The ids of the tool calls in the request's assistant messages (the keys of the server's reasoning cache). */
function toolUseIds(request: MessagesRequest): string[] {
  const ids: string[] = [];
  for (const message of request.messages) {
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    for (const block of message.content) {
      const id = (block as { id?: unknown }).id;
      if (block.type === "tool_use" && typeof id === "string") ids.push(id);
    }
  }
  return ids;
}

/** The upstream plan of a Messages request: its effort and tier, its system prompts, and the converter. */
function messagesUpstreamPlan(
  app: AppContext,
  request: MessagesRequest,
  opened: { model: string; record: UpstreamPlan["record"]; warnings: string[] },
): UpstreamPlan {
  return {
    promptCacheKey: messagesPromptCacheKey(request),
    model: {
      model: opened.model,
      reasoningEffort: messagesReasoningEffort(request),
      serviceTier: request.speed === "fast" ? "priority" : null,
    },
    record: opened.record,
    warnings: opened.warnings,
    systemPrompts: collectMessagesSystemPrompts(request),
    fallbackWarning:
      "the backend rejected custom instructions; sent the Codex prompt with your system prompt as a developer message",
    build: async (selected, resolved, { auth, replayReasoning, promptCacheKey }) => {
      const scope = { accountId: auth.accountId, slug: resolved.slug };
      const replay = await prepareReasoningReplay(app, scope, replayReasoning, () => toolUseIds(request));
      const result = convertMessagesRequestToResponses(request, {
        model: resolved,
        instructions: selected.instructions,
        systemMessages: selected.systemMessages,
        replayReasoning,
        promptCacheKey,
        lookupReasoningItems: replay.lookup,
      });
      return { ...result, replayedReasoning: result.replayedReasoning || replay.replayed };
    },
  };
}

/**
 * `POST /v1/messages`: the Anthropic Messages API (Claude Code, the Anthropic SDKs), stream and
 * non-stream, on the same login, models, limits, retries and request record as the OpenAI routes.
 * Rejects, before any output, with the errors the error writer answers in Anthropic's shape.
 */
export async function handleMessages(app: AppContext, http: HttpContext): Promise<void> {
  const request = parseMessagesRequest(http.body);
  const stream = request.stream === true;
  const opened = openApiRequest(app, http, { model: request.model, stream, api: "messages" });
  const { model, warnings, record, clientAbort, writer } = opened;
  const plan = messagesUpstreamPlan(app, request, { model, record, warnings });
  await withAccount(app, http, opened, plan.promptCacheKey, async (account) => {
    const send = await prepareUpstream(withClaudeModels(app), plan, account);
    // The whole request is sent again while the backend says it is overloaded and nothing went out yet.
    await retryWhileOverloaded(
      app,
      clientAbort,
      () => writer === undefined || !writer.started,
      async () => {
        const response = await send(clientAbort);
        const headers = answerHeaders(app, response.headers, warnings);
        const options: MessagesSseBodyOptions = {
          model: request.model,
          thinking: messagesThinkingOutput(request),
          stopSequences: request.stop_sequences ?? null,
          now: app.now,
          describeReadError: (error) => toHttpError(error, app.now(), app.config.clientVersion),
          onDone: (mapper) => {
            record.usage = toRecordUsage(mapper);
            // The encrypted reasoning of an answer without thinking blocks, for the tool results of the next turn.
            const scope = { accountId: response.accountId ?? null, slug: record.slug };
            for (const [callId, items] of mapper.reasoningItemsByCallId())
              app.reasoningCache.set(scope, callId, items);
          },
        };
        if (writer === undefined) {
          const message = await aggregateMessage(response, options);
          app.tracker.markFirstToken(record);
          sendJson(http.res, 200, message, headers);
          return;
        }
        Object.assign(writer.headers, headers);
        const sse = createMessagesSseBody(response, options);
        try {
          await streamToClient(writer, sse.body, () => sse.failure, { tracker: app.tracker, record });
        } finally {
          if (sse.failure !== null) http.errorCode = sse.failure.code;
        }
      },
    );
  });
}
