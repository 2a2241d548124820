import type { CodexResponse } from "@cmp/codex-client";
import { sendJson } from "@cmp/core";
import {
  aggregateChatCompletion,
  type ChatCompletion,
  type ChatCompletionRequest,
  type ChatCompletionSseBodyOptions,
  type ChatCompletionUsage,
  chatPromptCacheKey,
  createChatChunkStream,
  createChatCompletionSseBody,
  createSseEventStream,
  encodeSse,
  mergeChatChunkStreams,
  mergeChatCompletions,
  parseChatCompletionRequest,
  SSE_DONE,
  usesLegacyFunctions,
} from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { toHttpError } from "../errors/map-error.js";
import type { ClientAbort } from "../http/client-abort.js";
import type { HttpContext } from "../http/http-context.js";
import type { SseWriter } from "../http/sse-writer.js";
import { streamToClient } from "../http/stream-to-client.js";
import type { RecordUsage, RequestRecord } from "../state/request-record.js";
import { withAccount } from "./account-failover.js";
import { answerHeaders, openApiRequest } from "./open-api-request.js";
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

/**
 * `POST /v1/chat/completions`: stream and non-stream, `n` choices, stop sequences, client profiles.
 * Rejects, before any output, with the errors the error writer answers.
 */
export async function handleChatCompletions(app: AppContext, http: HttpContext): Promise<void> {
  const parsed = parseChatCompletionRequest(http.body);
  const stream = parsed.stream === true;
  const opened = openApiRequest(app, http, { model: parsed.model, stream, api: "chat" });
  const { warnings, record, writer } = opened;
  const request = applyProfile(
    app,
    opened.model === parsed.model ? parsed : { ...parsed, model: opened.model },
    opened.profile,
    warnings,
  );
  const key = chatPromptCacheKey(request);
  await withAccount(app, http, opened, key, async (account) => {
    const send = await prepareChat(app, request, record, warnings, account, key);
    // The whole request is sent again while the backend says it is overloaded and nothing went out yet.
    await retryWhileOverloaded(
      app,
      opened.clientAbort,
      () => writer === undefined || !writer.started,
      async () => {
        const responses = await sendAll(send, request.n ?? 1, opened.clientAbort);
        try {
          await answer(app, http, request, responses, warnings, writer, record);
        } catch (error) {
          // Whatever was not read to its end is closed, so no upstream connection stays busy.
          for (const response of responses) response.cancel();
          throw error;
        }
      },
    );
  });
}

/** Sends the `n` upstream requests; when one fails, the others are cancelled and its error is thrown. */
async function sendAll(send: SendUpstream, n: number, signal: ClientAbort): Promise<CodexResponse[]> {
  const settled = await Promise.allSettled(Array.from({ length: n }, () => send(signal)));
  const failed = settled.find((result) => result.status === "rejected");
  if (failed === undefined)
    return settled.map((result) => (result as PromiseFulfilledResult<CodexResponse>).value);
  for (const result of settled) if (result.status === "fulfilled") result.value.cancel();
  throw failed.reason;
}

/** Reads the upstream answer(s) and writes the Chat Completions response (JSON or SSE). */
async function answer(
  app: AppContext,
  http: HttpContext,
  request: ChatCompletionRequest,
  responses: CodexResponse[],
  warnings: string[],
  writer: SseWriter | undefined,
  record: RequestRecord,
): Promise<void> {
  const headers = answerHeaders(app, responses[0]?.headers ?? {}, warnings);
  // One options object per request, written out whole: spreading a shared one costs more on Node 20
  // than the rest of this function (measured in a CPU profile).
  const options: ChatCompletionSseBodyOptions = {
    model: request.model,
    created: Math.floor(app.now() / 1000),
    reasoningOutput: app.config.reasoningOutput,
    stop: request.stop ?? null,
    legacyFunctionCall: usesLegacyFunctions(request),
    now: app.now,
    includeUsage:
      writer === undefined || responses.length > 1 || request.stream_options?.include_usage === true,
    describeReadError: (error) => toHttpError(error, app.now(), app.config.clientVersion),
    // The encrypted reasoning of this turn, for the tool outputs of the next one.
    onDone: (mapper) => {
      record.usage = toRecordUsage(mapper.usage);
      const scope = { accountId: responses[0]?.accountId ?? null, slug: record.slug };
      for (const [callId, items] of mapper.reasoningItemsByCallId())
        app.reasoningCache.set(scope, callId, items);
    },
  };

  if (writer === undefined) {
    const completions: ChatCompletion[] = [];
    for (const response of responses) completions.push(await aggregateChatCompletion(response, options));
    const completion =
      completions.length === 1 ? (completions[0] as ChatCompletion) : mergeChatCompletions(completions);
    record.usage = toRecordUsage(completion.usage);
    app.tracker.markFirstToken(record);
    sendJson(http.res, 200, completion, headers);
    return;
  }

  Object.assign(writer.headers, headers);
  if (responses.length === 1) {
    const sse = createChatCompletionSseBody(responses[0] as CodexResponse, options);
    await streamToClient(writer, sse.body, () => sse.failure, { tracker: app.tracker, record });
    if (sse.failure !== null) http.errorCode = sse.failure.code;
    return;
  }
  await streamMany(
    app,
    writer,
    responses.map((r) => r.body),
    options,
    request.stream_options?.include_usage === true,
    record,
  );
}

/** `n` > 1 choices streamed as one: each choice's chunks re-indexed and merged as they come. */
async function streamMany(
  app: AppContext,
  writer: SseWriter,
  bodies: ReadableStream<Uint8Array>[],
  options: Parameters<typeof createChatChunkStream>[0],
  includeUsage: boolean,
  record: RequestRecord,
): Promise<void> {
  const merged = mergeChatChunkStreams(
    bodies.map((b) => b.pipeThrough(createSseEventStream()).pipeThrough(createChatChunkStream(options))),
    { includeUsage: true },
  );
  const reader = merged.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      const part = r.value;
      if ("choices" in part && part.choices.length === 0) {
        record.usage = toRecordUsage(part.usage ?? null);
        if (!includeUsage) continue;
      }
      app.tracker.markFirstToken(record);
      const pending = writer.write(encodeSse(part));
      if (pending) await pending;
      if (writer.isClosed) {
        await reader.cancel();
        return;
      }
    }
  } catch (error) {
    if (!writer.started) throw error;
    writer.write(encodeSse(toHttpError(error, app.now(), app.config.clientVersion).toBody()));
  }
  writer.end(SSE_DONE);
}
