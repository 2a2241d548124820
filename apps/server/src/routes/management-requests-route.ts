import { sendJson } from "@cmp/core";
import type { RequestHistoryPage } from "@cmp/protocol";
import { OpenAIHttpError } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";
import type { HistoryQuery } from "../ops/request-history.js";

/** Entries per page when `limit` is not given. */
const DEFAULT_PAGE = 100;

function badQuery(param: string, message: string): OpenAIHttpError {
  return new OpenAIHttpError({ status: 400, code: "invalid_query", param, message });
}

/** The filters of the query string; throws 400 `invalid_query` naming the bad parameter. */
export function parseHistoryQuery(query: string, historySize: number): HistoryQuery {
  const params = new URLSearchParams(query);
  const out: HistoryQuery = { limit: Math.min(DEFAULT_PAGE, historySize) };
  const key = params.get("key");
  if (key) out.key = key;
  const status = params.get("status");
  if (status) {
    if (!/^(?:[1-5]\d\d|[1-5]xx|ok|error)$/i.test(status)) {
      throw badQuery("status", "status is an HTTP status (429), a class (4xx, 5xx), ok or error.");
    }
    out.status = status.toLowerCase();
  }
  const since = params.get("since");
  if (since) {
    const ms = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (!Number.isFinite(ms))
      throw badQuery("since", "since is an ISO 8601 time or milliseconds since 1970.");
    out.since = ms;
  }
  const limit = params.get("limit");
  if (limit) {
    const n = Number(limit);
    if (!Number.isSafeInteger(n) || n < 1) throw badQuery("limit", "limit is a positive whole number.");
    out.limit = Math.min(n, historySize);
  }
  return out;
}

/**
 * `GET /v1/management/requests?key=&status=&since=&limit=` (admin): the request history, newest first
 * (`RequestHistoryPage`), shared by every replica.
 */
export async function handleRequestHistory(app: AppContext, http: HttpContext): Promise<void> {
  const query = parseHistoryQuery(http.query, app.config.historySize);
  const body: RequestHistoryPage = { object: "list", data: await app.ops.history.page(query) };
  sendJson(http.res, 200, body);
}
