import type { IncomingMessage, ServerResponse } from "node:http";
import type { BodyReader, CodexResponse } from "@cmp/codex-client";
import {
  type ChatCompletion,
  type ChatCompletionRequest,
  type ChatCompletionUsage,
  type ChatStreamPart,
  createChatChunkEncoder,
  createChatChunkStream,
  createChatCompletionAggregator,
  createResponsesToChatMapper,
  createSseEventStream,
  encodeSse,
  mergeChatChunkStreams,
  mergeChatCompletions,
  parseChatCompletionRequest,
  type ResponsesToChatMapper,
  SSE_DONE,
  usesLegacyFunctions,
} from "@cmp/transform";
import type { Request, Response, Router } from "express";
import type { AppContext } from "../app-context.js";
import { toApiError } from "../errors/map-error.js";
import { ClientAbort } from "../http/client-abort.js";
import { sendJson } from "../http/send-json.js";
import { SseWriter } from "../http/sse-writer.js";
import type { RecordUsage, RequestRecord } from "../state/request-record.js";
import { applyProfile, type PreparedChat, prepareChat } from "./prepare-chat.js";
import { forwardedHeaders, pumpEvents } from "./upstream.js";

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

function rememberReasoning(ctx: AppContext, mapper: ResponsesToChatMapper): void {
  for (const [callId, items] of mapper.reasoningItemsByCallId()) ctx.reasoningCache.set(callId, items);
}

/** `POST /v1/chat/completions`: stream and non-stream, `n` choices, stop sequences, client profiles. */
export function registerChatCompletionsRoute(
  router: Router,
  ctx: AppContext,
  body: import("express").RequestHandler[],
) {
  router.post("/v1/chat/completions", ...body, (req: Request, res: Response) =>
    handleChatCompletions(ctx, req, res),
  );
}

/** A request whose JSON body was read (by Express or the fast path). */
export type ApiRequest = IncomingMessage & { body?: unknown };
/** A response with Express-style `locals` (Express sets them; the fast path adds them). */
export type ApiResponse = ServerResponse & { locals: Record<string, unknown> };

/**
 * `POST /v1/chat/completions` on plain Node request and response objects, so the Express route and the
 * fast path (`http/fast-path.ts`) run the same code. Rejects, before any output, with the errors the
 * error middleware answers.
 */
export async function handleChatCompletions(
  ctx: AppContext,
  req: ApiRequest,
  res: ApiResponse,
): Promise<void> {
  const header = req.headers["x-cmp-profile"];
  const profile = ctx.profiles(
    res.locals["pathProfile"] as string | undefined,
    Array.isArray(header) ? header[0] : header,
  );
  const warnings: string[] = [];
  const request = applyProfile(ctx, parseChatCompletionRequest(req.body), profile, warnings);
  const stream = request.stream === true;
  const record = ctx.tracker.start({ model: request.model, stream, api: "chat" });
  res.locals["record"] = record;
  const clientAbort = new ClientAbort(res);
  const writer = stream ? new SseWriter(res, ctx.config.keepAliveMs) : undefined;
  writer?.armKeepAlive();

  const prepared = await prepareChat(ctx, request, record, warnings);
  const n = request.n ?? 1;
  const responses = await sendAll(prepared, n, clientAbort);
  try {
    await answer(ctx, res, request, responses, warnings, writer, record);
  } catch (error) {
    // Whatever was not read to its end is closed, so no upstream connection stays busy.
    for (const response of responses) response.cancel();
    throw error;
  }
}

/** Sends the `n` upstream requests; when one fails, the others are cancelled and its error is thrown. */
async function sendAll(prepared: PreparedChat, n: number, signal: ClientAbort): Promise<CodexResponse[]> {
  const settled = await Promise.allSettled(Array.from({ length: n }, () => prepared.send(signal)));
  const failed = settled.find((result) => result.status === "rejected");
  if (failed === undefined)
    return settled.map((result) => (result as PromiseFulfilledResult<CodexResponse>).value);
  for (const result of settled) if (result.status === "fulfilled") result.value.cancel();
  throw failed.reason;
}

/** Reads the upstream answer(s) and writes the Chat Completions response (JSON or SSE). */
async function answer(
  ctx: AppContext,
  res: ApiResponse,
  request: ChatCompletionRequest,
  responses: CodexResponse[],
  warnings: string[],
  writer: SseWriter | undefined,
  record: RequestRecord,
): Promise<void> {
  const headers: Record<string, string> = forwardedHeaders(responses[0]?.headers ?? {});
  if (warnings.length > 0) headers["x-cmp-warnings"] = warnings.join("; ").replace(/[\r\n]+/g, " ");
  const created = Math.floor(ctx.now() / 1000);
  const mapperOptions = {
    model: request.model,
    created,
    reasoningOutput: ctx.config.reasoningOutput,
    stop: request.stop ?? null,
    legacyFunctionCall: usesLegacyFunctions(request),
    now: ctx.now,
  };

  if (writer === undefined) {
    const completions: ChatCompletion[] = [];
    for (const response of responses) {
      const aggregator = createChatCompletionAggregator(mapperOptions);
      const { readError } = await pumpEvents(
        response,
        (event) => {
          if (!aggregator.mapper.done) aggregator.push(event);
        },
        () => undefined,
        () => (aggregator.mapper.done ? (aggregator.mapper.stopped ? "cancel" : "drain") : false),
      );
      if (readError !== undefined) throw readError;
      completions.push(aggregator.finish());
      rememberReasoning(ctx, aggregator.mapper);
    }
    const completion =
      completions.length === 1 ? (completions[0] as ChatCompletion) : mergeChatCompletions(completions);
    record.usage = toRecordUsage(completion.usage);
    ctx.tracker.markFirstToken(record);
    sendJson(res, 200, completion, headers);
    return;
  }

  Object.assign(writer.headers, headers);
  const includeUsage = request.stream_options?.include_usage === true;
  if (responses.length === 1) {
    await streamOne(ctx, writer, responses[0]!, { ...mapperOptions, includeUsage }, record);
    return;
  }
  await streamMany(
    ctx,
    writer,
    responses.map((r) => r.body),
    { ...mapperOptions, includeUsage: true },
    includeUsage,
    record,
  );
}

async function streamOne(
  ctx: AppContext,
  writer: SseWriter,
  body: BodyReader,
  options: Parameters<typeof createResponsesToChatMapper>[0],
  record: import("../state/request-record.js").RequestRecord,
): Promise<void> {
  const mapper = createResponsesToChatMapper(options);
  const encode = createChatChunkEncoder();
  let pending = "";
  const take = (parts: readonly ChatStreamPart[]) => {
    for (const part of parts) pending += encode(part);
  };
  const flush = (): Promise<void> | undefined => {
    if (pending === "") return undefined;
    if (!writer.started && mapper.error !== null) throw mapper.error;
    const text = pending;
    pending = "";
    ctx.tracker.markFirstToken(record);
    return writer.write(text);
  };
  const { readError } = await pumpEvents(
    body,
    (event) => {
      if (!mapper.done) take(mapper.push(event));
    },
    flush,
    () => (writer.isClosed || mapper.stopped ? "cancel" : mapper.done ? "drain" : false),
  );
  if (writer.isClosed) return;
  if (readError !== undefined) {
    const error = toApiError(readError, ctx.now());
    if (!writer.started) throw readError;
    pending += encodeSse(error.toBody());
    record.error = error.code;
  } else {
    take(mapper.finish());
    if (!writer.started && mapper.error !== null) throw mapper.error;
    if (mapper.error !== null) record.error = mapper.error.code;
  }
  record.usage = toRecordUsage(mapper.usage);
  rememberReasoning(ctx, mapper);
  writer.end(pending + SSE_DONE);
}

async function streamMany(
  ctx: AppContext,
  writer: SseWriter,
  bodies: ReadableStream<Uint8Array>[],
  options: Parameters<typeof createResponsesToChatMapper>[0],
  includeUsage: boolean,
  record: import("../state/request-record.js").RequestRecord,
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
      ctx.tracker.markFirstToken(record);
      const pending = writer.write(encodeSse(part));
      if (pending) await pending;
      if (writer.isClosed) {
        await reader.cancel();
        return;
      }
    }
  } catch (error) {
    if (!writer.started) throw error;
    writer.write(encodeSse(toApiError(error, ctx.now()).toBody()));
  }
  writer.end(SSE_DONE);
}
