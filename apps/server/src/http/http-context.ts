import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestRecord } from "../state/request-record.js";
import type { ErrorDialect } from "./error-dialect.js";

/**
 * The typed request object every route handler receives, from the request pipeline's router and from
 * the Express routes behind it alike: the Node request and response, the normalised path, the client
 * profile named in the path, the parsed body, and what the request log reports when it ends.
 */
export class HttpContext {
  /** When the request arrived (the app clock, ms). */
  readonly startedAt: number;
  /** The path as the client sent it, without the query string (queries can carry credentials). */
  readonly originalPath: string;
  /** The canonical path (`/v1/...`, profile prefix stripped), without the query string. */
  path: string;
  /** The query string without `?` (`""` when there is none). */
  query: string;
  /** The client profile named by a `/profile/<name>` path prefix. */
  pathProfile: string | undefined = undefined;
  /** The parsed JSON body (routes that read one). */
  body: unknown = undefined;
  /** The API request's record (model, tokens, timings) for the dashboard and the log. */
  record: RequestRecord | undefined = undefined;
  /** The error code the request was answered with, for the log. */
  errorCode: string | null = null;
  /**
   * True once the answer is an SSE stream (set with its writer): an error after the head went out is
   * then its last event. The head's `content-type` cannot tell, as `writeHead(status, headers)` does not
   * keep the headers it sent readable by `getHeader`.
   */
  sse = false;
  /** The error shape of the API this request speaks (set by the pipeline from the path); OpenAI's when unset. */
  errorDialect: ErrorDialect | undefined = undefined;
  /** Where the metrics keep this request while it is in flight (`LiveRequests`); declared for one object shape. */
  liveSlot = -1;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    now: number,
  ) {
    this.startedAt = now;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    this.originalPath = q === -1 ? url : url.slice(0, q);
    this.path = this.originalPath;
    this.query = q === -1 ? "" : url.slice(q + 1);
  }

  /** The request method (`GET` when Node has none). */
  get method(): string {
    return this.req.method ?? "GET";
  }

  /** The first value of request header `name` (lower case). */
  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
}

const contexts = new WeakMap<IncomingMessage, HttpContext>();

/** Attaches `http` to its request, for the Express routes behind the pipeline ({@link contextOf}). */
export function bindContext(http: HttpContext): void {
  contexts.set(http.req, http);
}

/** The {@link HttpContext} the request pipeline made for `req`. */
export function contextOf(req: IncomingMessage): HttpContext {
  const http = contexts.get(req);
  if (http === undefined) throw new Error("request did not come through the request pipeline");
  return http;
}
