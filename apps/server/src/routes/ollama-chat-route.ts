import type { CodexResponse } from "@cmp/codex-client";
import { sendJson } from "@cmp/core";
import { ModelNotFoundError } from "@cmp/models";
import {
  aggregateOllamaResponse,
  type ChatCompletionRequest,
  type ChatCompletionUsage,
  type ConvertedOllamaRequest,
  chatPromptCacheKey,
  convertOllamaChatRequest,
  convertOllamaGenerateRequest,
  createOllamaNdjsonBody,
  encodeOllamaKeepAlive,
  type OllamaApi,
  type OllamaNdjsonBodyOptions,
  OpenAIHttpError,
  parseOllamaChatRequest,
  parseOllamaGenerateRequest,
} from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { echoText } from "../errors/echo-text.js";
import { toHttpError } from "../errors/map-error.js";
import type { HttpContext } from "../http/http-context.js";
import { streamToClient } from "../http/stream-to-client.js";
import type { PoolAccount } from "../state/account-pool.js";
import type { RecordUsage } from "../state/request-record.js";
import { withAccount } from "./account-failover.js";
import { readOllamaModelName } from "./ollama-model-name.js";
import { OllamaNdjsonWriter } from "./ollama-ndjson-writer.js";
import { answerHeaders, type OpenedApiRequest, openApiRequest } from "./open-api-request.js";
import { applyProfile, prepareChat, type SendUpstream } from "./prepare-chat.js";
import { retryWhileOverloaded } from "./retry-overload.js";

function toRecordUsage(usage: ChatCompletionUsage | null): RecordUsage | null {
  return (
    usage && {
      input: usage.prompt_tokens,
      cached: usage.prompt_tokens_details.cached_tokens,
      output: usage.completion_tokens,
      reasoning: usage.completion_tokens_details.reasoning_tokens,
    }
  );
}

/** Ollama's 404 for a model it does not have: `model '<name>' not found`, with the name the client sent. */
export function ollamaModelNotFound(name: string): OpenAIHttpError {
  return new OpenAIHttpError({
    status: 404,
    code: "model_not_found",
    param: "model",
    message: `model '${echoText(name)}' not found`,
  });
}

/**
 * `POST /api/chat`: Ollama's chat, streamed as NDJSON (the default) or answered as one object. The
 * request goes down the chat route's path (profile, model resolution, instructions, conversion, the
 * reasoning cache of tool loops, overload retries); only the answer is Ollama's.
 */
export function handleOllamaChat(app: AppContext, http: HttpContext): Promise<void> {
  return runOllamaRequest(app, http, "chat", convertOllamaChatRequest(parseOllamaChatRequest(http.body)));
}

/** `POST /api/generate`: one prompt (with `system` and `images`) as a one-turn chat; answers carry `response`. */
export function handleOllamaGenerate(app: AppContext, http: HttpContext): Promise<void> {
  return runOllamaRequest(
    app,
    http,
    "generate",
    convertOllamaGenerateRequest(parseOllamaGenerateRequest(http.body)),
  );
}

async function runOllamaRequest(
  app: AppContext,
  http: HttpContext,
  api: OllamaApi,
  converted: ConvertedOllamaRequest,
): Promise<void> {
  const clientModel = converted.chat.model;
  const opened = openApiRequest(app, http, {
    model: clientModel,
    stream: converted.stream,
    api: "ollama",
    createWriter: (res, keepAliveMs) =>
      new OllamaNdjsonWriter(res, keepAliveMs, () =>
        encodeOllamaKeepAlive({ api, model: clientModel, now: app.now }),
      ),
  });
  const { warnings } = opened;
  const name = readOllamaModelName(opened.model, app.config.modelAliases);
  warnings.push(...name.warnings, ...converted.warnings);
  const request = applyProfile(app, { ...converted.chat, model: name.model }, opened.profile, warnings);
  const key = chatPromptCacheKey(request);
  try {
    await withAccount(app, http, opened, key, (account) =>
      serveOllama(app, http, api, converted, clientModel, opened, request, account, key),
    );
  } catch (error) {
    throw ModelNotFoundError.isInstance(error) ? ollamaModelNotFound(clientModel) : error;
  }
}

/** One account's attempt at an Ollama request: resolve, then answer (or load/unload), with the overload retry. */
async function serveOllama(
  app: AppContext,
  http: HttpContext,
  api: OllamaApi,
  converted: ConvertedOllamaRequest,
  clientModel: string,
  opened: OpenedApiRequest,
  request: ChatCompletionRequest,
  account: PoolAccount,
  key: string,
): Promise<void> {
  const { warnings, record, writer } = opened;
  const send: SendUpstream = await prepareChat(app, request, record, warnings, account, key);
  if (converted.load !== null) {
    // Ollama loads (or unloads) a model for a request without a conversation: nothing to generate.
    const created_at = new Date(app.now()).toISOString();
    const done = { done: true, done_reason: converted.load };
    sendJson(
      http.res,
      200,
      api === "chat"
        ? { model: clientModel, created_at, message: { role: "assistant", content: "" }, ...done }
        : { model: clientModel, created_at, response: "", ...done },
      answerHeaders(app, {}, warnings),
    );
    return;
  }
  // The whole request is sent again while the backend says it is overloaded and nothing went out yet.
  await retryWhileOverloaded(
    app,
    opened.clientAbort,
    () => writer === undefined || !writer.started,
    async () => {
      const response = await send(opened.clientAbort);
      try {
        await answer(app, http, api, converted, clientModel, response, opened);
      } catch (error) {
        response.cancel();
        throw error;
      }
    },
  );
}

/** Reads the upstream answer and writes Ollama's: NDJSON lines, or one object for `stream: false`. */
async function answer(
  app: AppContext,
  http: HttpContext,
  api: OllamaApi,
  converted: ConvertedOllamaRequest,
  model: string,
  response: CodexResponse,
  opened: OpenedApiRequest,
): Promise<void> {
  const { record, writer, warnings } = opened;
  const headers = answerHeaders(app, response.headers, warnings);
  const options: OllamaNdjsonBodyOptions = {
    api,
    model,
    startedAt: http.startedAt,
    now: app.now,
    stop: converted.stop,
    reasoningOutput: converted.thinking ? app.config.reasoningOutput : "none",
    describeReadError: (error) => toHttpError(error, app.now(), app.config.clientVersion),
    // The encrypted reasoning of this turn, for the tool results of the next one.
    onDone: (mapper) => {
      record.usage = toRecordUsage(mapper.chat.usage);
      const scope = { accountId: response.accountId, slug: record.slug };
      for (const [callId, items] of mapper.chat.reasoningItemsByCallId())
        app.reasoningCache.set(scope, callId, items);
    },
  };
  if (writer === undefined) {
    const whole = await aggregateOllamaResponse(response, options);
    app.tracker.markFirstToken(record);
    sendJson(http.res, 200, whole, headers);
    return;
  }
  Object.assign(writer.headers, headers);
  const ndjson = createOllamaNdjsonBody(response, options);
  await streamToClient(writer, ndjson.body, () => ndjson.failure, { tracker: app.tracker, record });
  if (ndjson.failure !== null) http.errorCode = ndjson.failure.code;
}
