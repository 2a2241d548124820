import { randomBytes } from "node:crypto";
import type { CodexCompaction } from "@cmp/codex-client";
import { sendJson } from "@cmp/core";
import { OpenAIHttpError, parseResponsesRequest } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";
import { withAccount } from "./account-failover.js";
import { answerHeaders, openApiRequest } from "./open-api-request.js";
import { responsesUpstreamPlan } from "./responses-upstream-plan.js";
import { retryWhileOverloaded } from "./retry-overload.js";
import { prepareUpstreamCall } from "./upstream-send.js";

/**
 * The fields `POST {base}/responses/compact` takes (the official client's compaction body): the
 * sanitised Responses body without `stream`, `store`, `include` and `tool_choice`, which it refuses.
 */
const COMPACT_FIELDS = [
  "model",
  "input",
  "instructions",
  "tools",
  "parallel_tool_calls",
  "reasoning",
  "text",
  "prompt_cache_key",
] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The compaction body from a sanitised `/responses` body: the allowed fields, and the input ending in
 * the `compaction_trigger` item that asks for the current form (one `compaction` item back); a client of
 * OpenAI's `/v1/responses/compact` sends the history alone, so the trigger is added when it is missing.
 */
function toCompactBody(sanitised: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of COMPACT_FIELDS) if (sanitised[field] !== undefined) body[field] = sanitised[field];
  const input = Array.isArray(body["input"]) ? body["input"] : [];
  const last: unknown = input[input.length - 1];
  body["input"] =
    isObject(last) && last["type"] === "compaction_trigger"
      ? input
      : [...input, { type: "compaction_trigger" }];
  return body;
}

/**
 * OpenAI's `response.compaction` object from the backend's answer: its `output` (the items that replace
 * the compacted history), its `usage` when it sent one, and an id and time of our own when it sent none.
 * @throws {OpenAIHttpError} 502 when the answer holds no `compaction` item.
 */
function toCompactionObject(result: CodexCompaction, nowMs: number): Record<string, unknown> {
  if (!result.output.some((item) => isObject(item) && item["type"] === "compaction")) {
    throw new OpenAIHttpError({
      status: 502,
      type: "server_error",
      code: "upstream_invalid_compaction",
      message: "The ChatGPT backend answered the compaction without a compaction item.",
    });
  }
  const { body } = result;
  return {
    id: typeof body["id"] === "string" ? body["id"] : `resp_${randomBytes(16).toString("hex")}`,
    object: "response.compaction",
    created_at: typeof body["created_at"] === "number" ? body["created_at"] : Math.floor(nowMs / 1000),
    output: result.output,
    usage: isObject(body["usage"]) ? body["usage"] : null,
  };
}

/**
 * `POST /v1/responses/compact`: compacts a conversation through the backend's
 * `POST {base}/responses/compact`, with the same login, headers and sanitising as `/v1/responses`
 * (ids and `item_reference` items stripped, model resolved, instructions mode, the instructions
 * fallback and the overload retry). The answer is JSON: OpenAI's `response.compaction` object, whose
 * `output` (one `compaction` item in the current form) replaces the history in the next request.
 */
export async function handleCompact(app: AppContext, http: HttpContext): Promise<void> {
  const request = parseResponsesRequest(http.body);
  const opened = openApiRequest(app, http, {
    model: request.model,
    stream: false,
    api: "compact",
  });
  const { model, warnings, record, clientAbort } = opened;
  if (request.stream === true) warnings.push("stream ignored: compaction answers with one JSON object");
  const { codexClient } = app.deps;
  const plan = responsesUpstreamPlan(request, { model, record, warnings }, toCompactBody);
  await withAccount(app, http, opened, plan.promptCacheKey, async (account) => {
    const send = await prepareUpstreamCall(app, plan, account, (body, options) =>
      codexClient.compact(body, options),
    );
    await retryWhileOverloaded(
      app,
      clientAbort,
      () => true,
      async () => {
        const result = await send(clientAbort);
        const answer = toCompactionObject(result, app.now());
        app.tracker.markFirstToken(record);
        sendJson(http.res, 200, answer, answerHeaders(app, result.headers, warnings));
      },
    );
  });
}
