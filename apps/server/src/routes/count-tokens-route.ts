import { sendJson } from "@cmp/core";
import { countMessagesTokens, parseMessagesCountTokensRequest } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";
import { withClaudeModels } from "./messages-route.js";
import { answerHeaders } from "./open-api-request.js";

/**
 * `POST /v1/messages/count_tokens`: `{"input_tokens": n}`, an estimate from the converted request's text
 * (transform's `countMessagesTokens`; the backend has no counting endpoint). The model is resolved as for
 * `/v1/messages`, so an unknown one is the same 404; no login is needed (the bundled catalog stands in),
 * and nothing is sent upstream.
 */
export async function handleCountTokens(app: AppContext, http: HttpContext): Promise<void> {
  const request = parseMessagesCountTokensRequest(http.body);
  const auth = await app.deps.tokenManager.getAuth().catch(() => undefined);
  const catalog = await app.deps.catalog.get(auth);
  const resolved = withClaudeModels(app).resolveModel({ model: request.model }, catalog);
  const headers = answerHeaders(app, {}, [
    ...resolved.warnings,
    "input_tokens is an estimate, not the backend's count",
  ]);
  sendJson(http.res, 200, countMessagesTokens(request), headers);
}
