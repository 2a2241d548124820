import { sendJson } from "@cmp/core";
import {
  aggregateResponse,
  createResponsesPassthroughBody,
  parseResponsesRequest,
  type ResponsesUsage,
} from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { toHttpError } from "../errors/map-error.js";
import type { HttpContext } from "../http/http-context.js";
import { streamToClient } from "../http/stream-to-client.js";
import type { RecordUsage } from "../state/request-record.js";
import { withAccount } from "./account-failover.js";
import { answerHeaders, openApiRequest } from "./open-api-request.js";
import { responsesUpstreamPlan } from "./responses-upstream-plan.js";
import { retryWhileOverloaded } from "./retry-overload.js";
import { prepareUpstream } from "./upstream-send.js";

// Token counts come from the backend: a negative or fractional one would make the record invalid for
// the dashboard (whose snapshot then fails to parse for everyone), so each is a non-negative integer.
const count = (value: number | null | undefined): number =>
  typeof value === "number" && Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 0;

function toRecordUsage(usage: ResponsesUsage | null | undefined): RecordUsage | null {
  if (!usage) return null;
  return {
    input: count(usage.input_tokens),
    cached: count(usage.input_tokens_details?.cached_tokens),
    output: count(usage.output_tokens),
    reasoning: count(usage.output_tokens_details?.reasoning_tokens),
  };
}

/**
 * `POST /v1/responses`: the Responses API, sanitised for the backend; stream and non-stream.
 * Rejects, before any output, with the errors the error writer answers.
 */
export async function handleResponses(app: AppContext, http: HttpContext): Promise<void> {
  const request = parseResponsesRequest(http.body);
  const stream = request.stream === true;
  const opened = openApiRequest(app, http, { model: request.model, stream, api: "responses" });
  const { model, warnings, record, clientAbort, writer } = opened;
  const plan = responsesUpstreamPlan(request, { model, record, warnings });
  await withAccount(app, http, opened, plan.promptCacheKey, async (account) => {
    const send = await prepareUpstream(app, plan, account);
    // The whole request is sent again while the backend says it is overloaded and nothing went out yet.
    await retryWhileOverloaded(
      app,
      clientAbort,
      () => writer === undefined || !writer.started,
      async () => {
        const response = await send(clientAbort);
        const headers = answerHeaders(app, response.headers, warnings);
        const describeReadError = (error: unknown) => toHttpError(error, app.now(), app.config.clientVersion);

        if (writer === undefined) {
          const result = await aggregateResponse(response, {
            model: request.model,
            now: app.now,
            describeReadError,
            instructions: request.instructions ?? null,
          });
          record.usage = toRecordUsage(result.usage);
          app.tracker.markFirstToken(record);
          sendJson(http.res, 200, result, headers);
          return;
        }
        Object.assign(writer.headers, headers);
        const { body, state } = createResponsesPassthroughBody(response, {
          holdUntilOutput: true,
          describeReadError,
          now: app.now,
          instructions: request.instructions ?? null,
          // The official SDKs' `responses.stream()` helpers say so in this header, and throw on any event
          // type outside the public API (the backend's `response.metadata` among them).
          publicEventsOnly: http.req.headers["x-stainless-helper-method"] === "stream",
          onDone: (done) => {
            record.usage = toRecordUsage(done.usage);
          },
        });
        try {
          await streamToClient(writer, body, () => state.failure, { tracker: app.tracker, record });
        } finally {
          if (state.failure !== null) http.errorCode = state.failure.code;
        }
      },
    );
  });
}
