import type { BodyReader } from "@cmp/codex-client";
import {
  aggregateResponse,
  collectResponsesSystemPrompts,
  createStreamIncompleteError,
  encodeSseEvent,
  mapStreamFailure,
  parseResponsesRequest,
  type ResponsesEvent,
  type ResponsesUsage,
  SSE_DONE,
  sanitizeResponsesRequest,
} from "@cmp/transform";
import type { Request, RequestHandler, Response, Router } from "express";
import type { AppContext } from "../app-context.js";
import { stripProviderPrefix } from "../client-profiles.js";
import type { ApiError } from "../errors/api-error.js";
import { toApiError } from "../errors/map-error.js";
import { ClientAbort } from "../http/client-abort.js";
import { sendJson } from "../http/send-json.js";
import { SseWriter } from "../http/sse-writer.js";
import type { RecordUsage, RequestRecord } from "../state/request-record.js";
import type { ApiRequest, ApiResponse } from "./chat-completions-route.js";
import { forwardedHeaders, pumpEvents } from "./upstream.js";
import { prepareUpstreamSend, resolveRequestModel } from "./upstream-send.js";

function toRecordUsage(usage: ResponsesUsage | null | undefined): RecordUsage | null {
  if (!usage) return null;
  return {
    input: usage.input_tokens ?? 0,
    cached: usage.input_tokens_details?.cached_tokens ?? 0,
    output: usage.output_tokens ?? 0,
    reasoning: usage.output_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** A Responses API `error` event (both the flat and the nested shape, for every SDK). */
function errorEvent(error: ApiError, sequence: number): string {
  const body = error.toBody().error;
  return encodeSseEvent("error", {
    type: "error",
    sequence_number: sequence,
    code: body.code ?? "upstream_error",
    message: body.message,
    param: body.param,
    error: { ...body, code: body.code ?? "upstream_error" },
  });
}

const QUIET_EVENTS = new Set(["response.created", "response.in_progress"]);
const TERMINAL_EVENTS = new Set(["response.completed", "response.incomplete", "response.failed", "error"]);

/** `POST /v1/responses`: the Responses API, sanitised for the backend; stream and non-stream. */
export function registerResponsesRoute(router: Router, ctx: AppContext, body: RequestHandler[]): void {
  router.post("/v1/responses", ...body, (req: Request, res: Response) => handleResponses(ctx, req, res));
}

/**
 * `POST /v1/responses` on plain Node request and response objects, so the Express route and the fast
 * path (`http/fast-path.ts`) run the same code. Rejects, before any output, with the errors the error
 * middleware answers.
 */
export async function handleResponses(ctx: AppContext, req: ApiRequest, res: ApiResponse): Promise<void> {
  const header = req.headers["x-cmp-profile"];
  const profile = ctx.profiles(
    res.locals["pathProfile"] as string | undefined,
    Array.isArray(header) ? header[0] : header,
  );
  const request = parseResponsesRequest(req.body);
  const warnings: string[] = [];
  let model = request.model;
  if (profile.stripProviderPrefix && model.includes("/")) {
    model = stripProviderPrefix(model);
    warnings.push(`model '${request.model}' read as '${model}' (letta profile)`);
  }
  const stream = request.stream === true;
  const record = ctx.tracker.start({ model, stream, api: "responses" });
  res.locals["record"] = record;
  const clientAbort = new ClientAbort(res);
  const writer = stream ? new SseWriter(res, ctx.config.keepAliveMs) : undefined;
  writer?.armKeepAlive();

  const { auth, resolved } = await resolveRequestModel(
    ctx,
    {
      model,
      reasoningEffort: request.reasoning?.effort ?? null,
      reasoningSummary: request.reasoning?.summary ?? null,
      verbosity: request.text?.verbosity ?? null,
      serviceTier: request.service_tier ?? null,
    },
    record,
    warnings,
  );
  const send = await prepareUpstreamSend(ctx, {
    auth,
    resolved,
    systemPrompts: collectResponsesSystemPrompts(request),
    warnings,
    fallbackWarning:
      "the backend rejected custom instructions; sent the Codex prompt with your instructions as a developer message",
    build: (selected) =>
      sanitizeResponsesRequest(request, {
        model: resolved,
        instructions: selected.instructions,
        systemMessages: selected.systemMessages,
      }),
  });
  const response = await send(clientAbort);
  const headers = forwardedHeaders(response.headers);
  if (warnings.length > 0) headers["x-cmp-warnings"] = warnings.join("; ").replace(/[\r\n]+/g, " ");

  if (writer === undefined) {
    const collected: ResponsesEvent[] = [];
    let terminal = false;
    const { readError } = await pumpEvents(
      response,
      (event) => {
        if (terminal) return;
        collected.push(event);
        terminal = TERMINAL_EVENTS.has(event.type);
      },
      () => undefined,
      () => (terminal ? "drain" : false),
    );
    if (readError !== undefined) throw readError;
    const result = await aggregateResponse(collected, { model: request.model, now: ctx.now });
    record.usage = toRecordUsage(result.usage);
    ctx.tracker.markFirstToken(record);
    sendJson(res, 200, result, headers);
    return;
  }
  Object.assign(writer.headers, headers);
  await streamResponses(ctx, writer, response, record);
}

async function streamResponses(
  ctx: AppContext,
  writer: SseWriter,
  body: BodyReader,
  record: RequestRecord,
): Promise<void> {
  let pending = "";
  let holding = true;
  let terminal = false;
  let failure: ApiError | null = null;
  let sequence = 0;
  const onEvent = (event: ResponsesEvent) => {
    if (terminal) return;
    const seq = (event as { sequence_number?: unknown }).sequence_number;
    if (typeof seq === "number") sequence = seq;
    if (event.type === "response.failed" || event.type === "error") {
      terminal = true;
      failure = toApiError(mapStreamFailure(event, { now: ctx.now() }), ctx.now());
      if (!holding) pending += encodeSseEvent(event.type, event);
      return;
    }
    if (event.type === "response.completed" || event.type === "response.incomplete") {
      terminal = true;
      record.usage = toRecordUsage(event.response.usage);
    }
    if (!QUIET_EVENTS.has(event.type)) holding = false;
    pending += encodeSseEvent(event.type, event);
  };
  const flush = (): Promise<void> | undefined => {
    if (failure !== null && !writer.started) throw failure;
    if (holding || pending === "") return undefined;
    const text = pending;
    pending = "";
    ctx.tracker.markFirstToken(record);
    return writer.write(text);
  };
  const { readError } = await pumpEvents(body, onEvent, flush, () =>
    writer.isClosed ? "cancel" : terminal ? "drain" : false,
  );
  if (writer.isClosed) return;
  if (readError !== undefined || !terminal) {
    const error = toApiError(readError ?? createStreamIncompleteError(), ctx.now());
    if (!writer.started) throw error;
    record.error = error.code;
    pending += errorEvent(error, sequence + 1);
  } else if (failure !== null) {
    record.error = (failure as ApiError).code;
  }
  writer.end(pending + SSE_DONE);
}
