import { randomUUID } from "node:crypto";
import type { Agent } from "node:http";
import { type AccountAuth, computeBackoffMs } from "@cmp/core";
import type { AbortSignalLike } from "./abort-signal-like.js";
import { abortableSleep } from "./abortable-sleep.js";
import { type BodyReader, createBodyStream, createIdleTimeoutReader, readBodyText } from "./body-stream.js";
import { CodexClientError } from "./codex-client-error.js";
import { CodexHttpError } from "./codex-http-error.js";
import { type CodexCompaction, readCompaction } from "./compact-response.js";
import { HeadersTimeoutError } from "./headers-timeout-error.js";
import { createKeepAliveAgent } from "./keep-alive-agent.js";
import { createNodeHttpTransport } from "./node-http-transport.js";
import {
  type InvalidQuotaHeaderHandler,
  parseLowerCaseQuotaHeaders,
  type QuotaSnapshot,
} from "./quota-headers.js";
import { buildBaseHeaders, buildRequestHeaders, TURN_STATE_HEADER } from "./request-headers.js";
import { createFetchTransport, type Transport, type TransportResponse } from "./transport.js";

/** What the client needs from a token manager (`@cmp/oauth`'s `TokenManager` fits). */
export interface CodexAuthProvider {
  getAuth(): Promise<AccountAuth>;
  /** Called once after an upstream 401; returns a fresh token (or throws when the login is dead). */
  refreshAfterUnauthorized(staleAccessToken: string): Promise<AccountAuth>;
}

/** Options of {@link createCodexClient}. */
export interface CodexClientOptions {
  /** Base of the backend, e.g. `https://chatgpt.com/backend-api/codex`; `/responses` is appended. */
  baseUrl: string;
  auth: CodexAuthProvider;
  /** An honest product `User-Agent` (see `buildUserAgent`). */
  userAgent: string;
  /** The `originator` header, naming this product (`@cmp/core`'s `DEFAULT_ORIGINATOR`). */
  originator: string;
  /**
   * The Codex client version (e.g. `0.154.0`), sent as the `version` header on every request. Use the
   * value the catalog is fetched with (`client_version`): the backend refuses models whose minimum
   * version is newer ("requires a newer version of Codex").
   */
  clientVersion: string;
  /** Use this fetch instead of the built-in `node:http` transport (tests, custom stacks). */
  fetch?: typeof fetch;
  /**
   * A custom agent for the built-in `node:http` transport, e.g. a proxy agent or a shared
   * {@link createKeepAliveAgent}; an `https.Agent` for an `https:` base URL. Default: a keep-alive agent
   * owned by the client and destroyed by `close()`. The client never closes an agent it was given.
   */
  agent?: Agent;
  /** Retries after a 5xx or a connection error before the first byte (default 2, so 3 tries). */
  maxRetries?: number;
  /** First retry delay in ms, doubled per retry, with jitter (default 200). */
  retryBaseMs?: number;
  /**
   * Error the body when no byte arrives for this long (every body: a 2xx stream and an error answer's
   * body alike), and give up on a request whose response head takes this long (default 300 000 ms).
   * A head timeout is not retried: it fails with `upstream_idle_timeout` at once, so the caller's wait
   * is bounded by one timeout, not one per attempt.
   */
  idleTimeoutMs?: number;
  /**
   * The longest a whole request may take, from sending it to the last byte of its body (default
   * 1 800 000 ms, 30 minutes, for long reasoning). It ends what the idle timeout cannot: a stream of
   * `: keep-alive` comments or a body that trickles a byte now and then, forever. Fails with
   * `upstream_deadline`.
   */
  streamDeadlineMs?: number;
  /** Told about each `x-codex-*` header value that was ignored as invalid (for a debug log). */
  onInvalidQuotaHeader?: InvalidQuotaHeaderHandler;
  /**
   * Extra headers sent with every request. Names the client sets itself are ignored, and it never sends
   * `OpenAI-Beta` (WebSocket-only now), `x-openai-internal-codex-responses-lite` (refused for most
   * models; we keep the classic request shape) or the retired `session_id` / `conversation_id`.
   */
  headers?: Record<string, string>;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  /**
   * Sleep used between retries; it rejects when `signal` aborts (default: a `node:timers/promises`
   * timer; tests inject an instant one).
   */
  sleep?: (ms: number, signal?: AbortSignalLike) => Promise<void>;
  /** Random source for the backoff jitter. */
  random?: () => number;
  /** Makes each request's `x-client-request-id` (default `crypto.randomUUID`). */
  createRequestId?: () => string;
}

/** Per-request options of {@link CodexClient.createResponse}. */
export interface CreateResponseOptions {
  /**
   * The conversation's prompt cache key (the body's `prompt_cache_key`), sent as the `session-id` and
   * `thread-id` headers: the backend pins a conversation to a cache by `session-id`.
   */
  sessionId?: string | undefined;
  /**
   * The current turn's `x-codex-turn-state` (from an earlier response of the same turn), replayed so the
   * backend routes the turn's tool-loop requests to the same place. Leave it out on a new turn.
   */
  turnState?: string | undefined;
  /** Aborting it cancels the upstream request at once, also mid-stream. */
  signal?: AbortSignalLike | undefined;
  /** A token already obtained for this request (saves a `getAuth()` call). */
  auth?: AccountAuth | undefined;
  /**
   * The token supply of the account this request is sent for, when a caller serves several accounts:
   * its `getAuth` (when `auth` is absent) and its refresh after a 401 are used instead of the client's
   * `auth` option, so a 401 refreshes the login that was refused and no other.
   */
  authProvider?: CodexAuthProvider | undefined;
}

/**
 * A successful (2xx) backend response. Read the raw SSE bytes either through `body` (a `ReadableStream`,
 * created on first access) or, cheaper, through `read()` / `cancel()`; not both.
 */
export interface CodexResponse extends BodyReader {
  status: number;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
  readonly body: ReadableStream<Uint8Array>;
  /** The `x-codex-*` quota headers of this response, parsed. */
  quota: QuotaSnapshot | null;
  /** How many HTTP requests it took (retries and the 401 replay included). */
  attempts: number;
  /** The account the successful request was made for (`null` when the login names none). */
  accountId: string | null;
  /**
   * The turn state to replay on the turn's next request: the one sent, else the first one the backend
   * issued (`x-codex-turn-state`) during this call; `null` when there is none.
   */
  turnState: string | null;
  /** The `x-client-request-id` of this call (the same on each of its attempts). */
  clientRequestId: string;
}

/** An HTTP client for the Codex backend's `POST /responses`. */
export interface CodexClient {
  /**
   * Sends one Responses request. Resolves once the backend answered 2xx; rejects with a
   * {@link CodexHttpError} for other statuses, or a {@link CodexClientError} (`upstream_unreachable`,
   * `aborted`) otherwise. Errors of the auth provider (not logged in, …) pass through unchanged.
   */
  createResponse(body: unknown, options?: CreateResponseOptions): Promise<CodexResponse>;
  /**
   * Sends one `POST /responses/compact` (unary JSON) with the same headers, auth refresh and retries;
   * resolves with its parsed answer (see `compact-response.ts`), rejects like `createResponse`.
   */
  compact(body: unknown, options?: CreateResponseOptions): Promise<CodexCompaction>;
  /**
   * Destroys the keep-alive agent the client created, closing its sockets at once (also those of requests
   * still in flight). An agent passed as `agent` is left open.
   */
  close(): Promise<void>;
}

/**
 * Creates a Codex backend client: auth headers, keep-alive connections, one refresh-and-replay after a
 * 401, bounded retries with backoff for 5xx and connection errors (never for 429), an idle timeout on the
 * body, and parsed quota headers. Every request carries the backend's current headers: `version`,
 * `session-id` and `thread-id` (the prompt cache key), a fresh `x-client-request-id` per call, and the
 * turn's `x-codex-turn-state` when the caller has one (see `README.md`, "Conformance").
 *
 * @example
 * const client = createCodexClient({
 *   baseUrl, auth: tokenManager, userAgent, originator: "chatgpt_max_proxy", clientVersion: "0.154.0",
 * });
 * const response = await client.createResponse(body, { sessionId: promptCacheKey, turnState, signal });
 */
export function createCodexClient(options: CodexClientOptions): CodexClient {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/responses`;
  const compactUrl = `${url}/compact`;
  const maxRetries = options.maxRetries ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const streamDeadlineMs = options.streamDeadlineMs ?? 1_800_000;
  const onInvalidQuotaHeader = options.onInvalidQuotaHeader;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const ownedAgent =
    options.fetch === undefined && options.agent === undefined
      ? createKeepAliveAgent({ protocol: /^https:/i.test(url) ? "https:" : "http:" })
      : undefined;
  const transport: Transport = options.fetch
    ? createFetchTransport(options.fetch)
    : createNodeHttpTransport(options.agent ?? (ownedAgent as Agent), { headersTimeoutMs: idleTimeoutMs });
  const baseHeaders = buildBaseHeaders(options);
  const createRequestId = options.createRequestId ?? randomUUID;

  const backoffOptions = { baseMs: retryBaseMs, ...(options.random ? { random: options.random } : {}) };
  const backoff = (retry: number) => computeBackoffMs(retry, backoffOptions);

  const createResponse = (body: unknown, request: CreateResponseOptions = {}) =>
    send(url, "text/event-stream", body, request);

  async function send(
    target: string,
    accept: string,
    body: unknown,
    request: CreateResponseOptions,
  ): Promise<CodexResponse> {
    const { signal, sessionId } = request;
    // One id for the whole call: its retries and the 401 replay are the same logical request, and the
    // same id lets the backend's logs tie them together.
    const clientRequestId = createRequestId();
    let turnState = request.turnState || undefined;
    const payload = typeof body === "string" ? body : JSON.stringify(body);
    const provider = request.authProvider ?? options.auth;
    let auth = request.auth ?? (await provider.getAuth());
    let refreshed = false;
    let retries = 0;
    let attempts = 0;
    const deadlineAt = now() + streamDeadlineMs;
    const timing = { idleTimeoutMs, deadlineAt, now, signal };
    for (;;) {
      if (signal?.aborted) throw new CodexClientError("aborted", "The request was cancelled");
      attempts++;
      let response: TransportResponse;
      try {
        const headers = buildRequestHeaders(baseHeaders, auth, { sessionId, clientRequestId, turnState });
        headers["accept"] = accept;
        response = await transport({ url: target, headers, body: payload, signal });
      } catch (cause) {
        if (signal?.aborted) throw new CodexClientError("aborted", "The request was cancelled", { cause });
        // A backend that accepted the connection but sends no head is stalled, not unreachable: trying
        // again would multiply the client's wait by the attempts (3 × the timeout), for the same outcome.
        if (HeadersTimeoutError.isInstance(cause)) {
          throw new CodexClientError(
            "upstream_idle_timeout",
            `The Codex backend sent no response head within ${Math.round(idleTimeoutMs / 1000)} s`,
            { cause },
          );
        }
        if (retries < maxRetries) {
          retries++;
          await sleepOrAbort(backoff(retries), signal);
          continue;
        }
        throw new CodexClientError(
          "upstream_unreachable",
          `Could not reach the Codex backend at ${options.baseUrl} (${describeCause(cause)})`,
          { cause },
        );
      }
      const quota = parseLowerCaseQuotaHeaders(response.headers, now(), onInvalidQuotaHeader);
      // Like the official client's once-set turn state: the first one issued holds for the rest of the
      // turn, so a retry after a 5xx goes back to where the turn started.
      turnState ??= response.headers[TURN_STATE_HEADER] || undefined;
      const reader = createIdleTimeoutReader(response.source, timing);
      if (response.status >= 200 && response.status < 300) {
        return new SuccessfulResponse(response, reader, quota, attempts, auth.accountId, {
          turnState: turnState ?? null,
          clientRequestId,
        });
      }
      // An error body is read under the same idle timeout and deadline: a 500 whose body stalls or
      // trickles must not hold the request forever. What arrived before it stopped is kept.
      const bodyText = await readBodyText(reader);
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        auth = await provider.refreshAfterUnauthorized(auth.accessToken);
        continue;
      }
      if (response.status >= 500 && retries < maxRetries) {
        retries++;
        await sleepOrAbort(backoff(retries), signal);
        continue;
      }
      throw new CodexHttpError({
        status: response.status,
        headers: response.headers,
        bodyText,
        afterRefresh: response.status === 401 && refreshed,
        quota,
      });
    }
  }

  async function sleepOrAbort(ms: number, signal: AbortSignalLike | undefined): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      // Like the transport's aborts, the cause is the caller's reason, not the timer's AbortError.
      const cause = signal?.aborted ? signal.reason : error;
      throw new CodexClientError("aborted", "The request was cancelled", { cause });
    }
  }

  return {
    createResponse,
    compact: async (body, request = {}) =>
      readCompaction(await send(compactUrl, "application/json", body, request)),
    async close() {
      ownedAgent?.destroy();
    },
  };
}

/** A {@link CodexResponse}; a class so that the lazy `body` getter costs no closure per response. */
class SuccessfulResponse implements CodexResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly read: BodyReader["read"];
  readonly cancel: BodyReader["cancel"];
  readonly turnState: string | null;
  readonly clientRequestId: string;
  #reader: BodyReader;
  #body: ReadableStream<Uint8Array> | undefined;

  constructor(
    response: TransportResponse,
    reader: BodyReader,
    readonly quota: QuotaSnapshot | null,
    readonly attempts: number,
    readonly accountId: string | null,
    ids: { turnState: string | null; clientRequestId: string },
  ) {
    this.turnState = ids.turnState;
    this.clientRequestId = ids.clientRequestId;
    this.status = response.status;
    this.headers = response.headers;
    this.read = reader.read;
    this.cancel = reader.cancel;
    this.#reader = reader;
  }

  get body(): ReadableStream<Uint8Array> {
    this.#body ??= createBodyStream(this.#reader);
    return this.#body;
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" ? code : cause.message;
  }
  return String(cause);
}
