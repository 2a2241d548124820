import type { ServerResponse } from "node:http";
import { TURN_STATE_HEADER } from "@cmp/codex-client";
import type { AppContext } from "../app-context.js";
import { type ProfileSettings, stripProviderPrefix } from "../client-profiles.js";
import { ClientAbort } from "../http/client-abort.js";
import type { HttpContext } from "../http/http-context.js";
import { SseWriter } from "../http/sse-writer.js";
import type { RequestRecord } from "../state/request-record.js";
import { encodeWarningsHeader } from "./warnings-header.js";

/** The state every API request starts with, the same for every front door. */
export interface OpenedApiRequest {
  profile: ProfileSettings;
  /** The model name after the client profile (a `provider/` prefix stripped for Letta). */
  model: string;
  /** What the proxy changed in the request, for `x-cmp-warnings`. */
  warnings: string[];
  record: RequestRecord;
  /** Fires when the client goes away: the upstream request(s) stop. */
  clientAbort: ClientAbort;
  /** The SSE writer of a streaming request (keep-alives already armed), else `undefined`. */
  writer: SseWriter | undefined;
}

/**
 * The opening of every API route: the client profile (path prefix or `x-cmp-profile`), the model name
 * as the profile reads it, the request record for the dashboard and the log, the client-abort signal,
 * and for a stream the SSE writer with its keep-alives.
 */
export function openApiRequest(
  app: AppContext,
  http: HttpContext,
  request: {
    model: string;
    stream: boolean;
    api: RequestRecord["api"];
    /** The writer of a stream that is not SSE (Ollama's NDJSON); an `SseWriter` by default. */
    createWriter?: (res: ServerResponse, keepAliveMs: number) => SseWriter;
  },
): OpenedApiRequest {
  const profile = app.profiles(http.pathProfile, http.header("x-cmp-profile"));
  const warnings: string[] = [];
  let model = request.model;
  if (profile.stripProviderPrefix && model.includes("/")) {
    model = stripProviderPrefix(model);
    warnings.push(`model '${request.model}' read as '${model}' (letta profile)`);
  }
  const record = app.tracker.start({ model, stream: request.stream, api: request.api });
  http.record = record;
  // The named key's name on the record; a model the key may not use is refused (403) here.
  app.ops.admitModel(http, model, record);
  const clientAbort = new ClientAbort(http.res);
  const writer = request.stream
    ? (request.createWriter?.(http.res, app.config.keepAliveMs) ??
      new SseWriter(http.res, app.config.keepAliveMs))
    : undefined;
  http.sse = request.stream && request.createWriter === undefined;
  writer?.armKeepAlive();
  return { profile, model, warnings, record, clientAbort, writer };
}

/** The longest `x-codex-*` value passed on to the client; real ones are numbers and short words. */
const MAX_FORWARDED_HEADER_LENGTH = 256;

/**
 * The headers of an API answer: the backend's `x-codex-*` quota headers (not `x-codex-turn-state`) and `x-cmp-warnings`
 * ({@link encodeWarningsHeader}: always a valid header value, at most 4 KiB). When the header could
 * not carry the warnings as they are, the full list goes to the debug log.
 */
export function answerHeaders(
  app: Pick<AppContext, "logger">,
  upstreamHeaders: Record<string, string>,
  warnings: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in upstreamHeaders) {
    // Forwarded as the backend sent them (Node already checked their characters), but not at any
    // length: the client's own head limit (16 KiB in undici) must not be filled by the backend.
    // The turn state is the proxy's routing state with the backend (see TurnStateStore); a client
    // has no use for it and could only leak it.
    if (!name.startsWith("x-codex-") || name === TURN_STATE_HEADER) continue;
    const value = upstreamHeaders[name] as string;
    if (value.length <= MAX_FORWARDED_HEADER_LENGTH) out[name] = value;
  }
  if (warnings.length > 0) {
    const header = encodeWarningsHeader(warnings);
    out["x-cmp-warnings"] = header.value;
    if (!header.complete) app.logger.debug({ warnings }, "x-cmp-warnings was escaped or shortened");
  }
  return out;
}
