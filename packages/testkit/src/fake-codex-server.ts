import type { IncomingMessage, ServerResponse } from "node:http";
import { BUILTIN_SCENARIO_NAMES } from "./builtin-scenarios.js";
import {
  applyCacheUsage,
  type CacheModelOptions,
  createCacheModel,
  type FakeCacheModel,
} from "./cache-model.js";
import { catalogForClientVersion, checkCatalogRules } from "./catalog-request-rules.js";
import { checkCodexCaller } from "./codex-auth.js";
import { validateCodexRequest } from "./codex-validation.js";
import { serveCompact } from "./compact-endpoint.js";
import type { FakeAuthServer } from "./fake-auth-server.js";
import { type ListenOptions, sendJson, startLoopbackServer } from "./loopback-server.js";
import { createServedCatalog, loadBundledCatalogText, type ServedCatalog } from "./model-catalog.js";
import {
  buildQuotaHeaders,
  defaultQuota,
  type FakeQuota,
  type FakeQuotaUpdate,
  mergeQuota,
} from "./quota-headers.js";
import { type RecordedRequest, recordRequest } from "./recorded-request.js";
import {
  assertScenarioName,
  FAKE_MODEL_PREFIX,
  readLastUserText,
  readToolNames,
  resolveScenario,
} from "./resolve-scenario.js";
import type { ScenarioInput, ScenarioRequest } from "./scenario.js";
import { TestkitError } from "./testkit-error.js";
import { createFakeTurnStates, FAKE_TURN_STATE_HEADER, type TurnStateRecord } from "./turn-state.js";
import { writeScenario } from "./write-scenario.js";

/** The backend's base path; `baseUrl` ends with it. */
export const CODEX_BASE_PATH = "/backend-api/codex";

/** How a request's connection ended. */
export interface RequestClosedInfo {
  requestIndex: number;
  /** True when the connection closed before the server finished the response (client abort, reset, close()). */
  aborted: boolean;
}

/** Options of {@link startFakeCodexServer}. */
export interface FakeCodexServerOptions extends ListenOptions {
  /** Verify bearer tokens against this server's key. Without it any non-empty bearer is accepted. */
  auth?: FakeAuthServer;
  /** Initial scenario (see `setScenario`). Default: chosen per request (header, model, tag, else `text`). */
  scenario?: ScenarioInput;
  /** Initial quota; `null` sends no `x-codex-*` headers. */
  quota?: FakeQuotaUpdate | null;
  /** `/models` body (object or JSON text). Default: the bundled snapshot. */
  catalog?: unknown;
  /** ETag of `catalog`. Default: a hash of its text. */
  catalogEtag?: string;
  /** Clock in milliseconds, for quota reset times. Default `Date.now`. */
  now?: () => number;
  /** Model prompt caching across upstream servers (see `setCacheModel`). Default: off. */
  cacheModel?: CacheModelOptions;
}

/** A running fake ChatGPT Codex backend. */
export interface FakeCodexServer {
  /** `http://127.0.0.1:PORT/backend-api/codex`. */
  baseUrl: string;
  /** Every request received, in order (index = `requestIndex`). */
  requests: RecordedRequest[];
  /**
   * Sets the scenario of the following `POST /responses`: a built-in name, a scenario object, or a function of
   * the request. `null` restores per-request choice (header, `fake-*` model, `[scenario=…]` tag, else `text`).
   */
  setScenario(scenario: ScenarioInput | null): void;
  /** Changes the reported quota (merged); `null` stops sending `x-codex-*` headers. */
  setQuota(update: FakeQuotaUpdate | null): void;
  /** The quota currently reported, or `null`. */
  quota(): FakeQuota | null;
  /** Replaces the `/models` catalog (object or JSON text) and its ETag (default: a hash). */
  setCatalog(catalog: unknown, etag?: string): void;
  /** The current catalog ETag (also sent as `x-models-etag` on every response). */
  catalogEtag(): string;
  /** Resolves when the response to request `requestIndex` is closed (finished, aborted or reset). */
  waitForClose(requestIndex: number): Promise<RequestClosedInfo>;
  /**
   * Turns the prompt-cache model on (a fresh one) or off (`null`): each accepted `POST /responses` is
   * routed to a server by its `session-id` and its `usage` reports that server's cached prefix.
   */
  setCacheModel(options: CacheModelOptions | null): void;
  /** The prompt-cache model in use, or `null`. */
  cacheModel(): FakeCacheModel | null;
  /** How each accepted `POST /responses` used `x-codex-turn-state` (issued and replayed), in order. */
  turnStates(): TurnStateRecord[];
  /** Calls `listener` whenever a request's connection closes; returns an unsubscribe function. */
  onRequestClosed(listener: (info: RequestClosedInfo) => void): () => void;
  /** TCP connections accepted since start. */
  connectionCount(): number;
  /** TCP connections open now. */
  openConnectionCount(): number;
  /** Stops the server and destroys open sockets (stalled streams included). */
  close(): Promise<void>;
}

function toScenarioRequest(request: RecordedRequest, index: number, planType: string): ScenarioRequest {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return {
    body,
    headers: request.headers,
    model: typeof body["model"] === "string" ? body["model"] : "",
    lastUserText: readLastUserText(body["input"]),
    toolNames: readToolNames(body["tools"]),
    planType,
    requestIndex: index,
  };
}

/**
 * Starts a fake ChatGPT Codex backend on loopback: `POST /responses` validates like the real backend and
 * streams scripted scenarios; `GET /models` serves the catalog with ETag/304. Every response carries
 * `x-codex-*` quota headers and `x-models-etag`.
 * @see [openai/codex `codex-rs/codex-api/src/endpoint/responses.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/endpoint/responses.rs)
 * @see [openai/codex `codex-rs/codex-api/src/endpoint/models.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/endpoint/models.rs)
 */
export async function startFakeCodexServer(options: FakeCodexServerOptions = {}): Promise<FakeCodexServer> {
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  const closes = new Map<number, Promise<RequestClosedInfo>>();
  let nextIndex = 0;
  const listeners = new Set<(info: RequestClosedInfo) => void>();
  if (typeof options.scenario === "string") assertScenarioName(options.scenario);
  let scenario: ScenarioInput | null = options.scenario ?? null;
  let quota: FakeQuota | null =
    options.quota === null ? null : mergeQuota(defaultQuota(now()), options.quota ?? {});
  let catalog: ServedCatalog = createServedCatalog(
    options.catalog ?? loadBundledCatalogText(),
    options.catalogEtag,
  );
  const fakeModels = BUILTIN_SCENARIO_NAMES.map((name) => `${FAKE_MODEL_PREFIX}${name}`);
  let cacheModel: FakeCacheModel | null = options.cacheModel ? createCacheModel(options.cacheModel) : null;
  const turnStates = createFakeTurnStates();

  const trackClose = (index: number, res: ServerResponse) => {
    closes.set(
      index,
      new Promise((resolve) => {
        res.once("close", () => {
          const info = { requestIndex: index, aborted: !res.writableFinished };
          for (const listener of listeners) listener(info);
          resolve(info);
        });
      }),
    );
  };

  const responses = async (
    request: RecordedRequest,
    index: number,
    res: ServerResponse,
    headers: Record<string, string>,
  ) => {
    const { caller, error } = await checkCodexCaller(request.headers, options.auth);
    if (error) return sendJson(res, error.status, error.body, headers);
    const invalid = validateCodexRequest(request.body, catalog.models, fakeModels);
    if (invalid) return sendJson(res, invalid.status, invalid.body, headers);
    const body = request.body as Record<string, unknown>;
    const rules = catalog.models.find((m) => m.slug === body["model"]);
    const refused = rules ? checkCatalogRules(body, request.headers, rules) : null;
    if (refused) return sendJson(res, refused.status, refused.body, headers);
    const turnState = turnStates.handle(index, request.headers, body);
    if (turnState !== null) headers[FAKE_TURN_STATE_HEADER] = turnState;
    const usage = cacheModel?.serve(request.headers, body);
    const chosen = (() => {
      try {
        return resolveScenario(scenario, toScenarioRequest(request, index, caller.planType));
      } catch (cause) {
        if (TestkitError.isInstance(cause)) return cause;
        throw cause;
      }
    })();
    if (TestkitError.isInstance(chosen)) return sendJson(res, 400, { detail: chosen.message }, headers);
    await writeScenario(res, usage ? applyCacheUsage(chosen, usage) : chosen, headers);
  };

  const models = async (request: RecordedRequest, res: ServerResponse, headers: Record<string, string>) => {
    const { error } = await checkCodexCaller(request.headers, options.auth);
    if (error) return sendJson(res, error.status, error.body, headers);
    if (!request.query["client_version"]) {
      return sendJson(res, 400, { detail: "Missing required query parameter: client_version" }, headers);
    }
    const served = catalogForClientVersion(catalog, request.query["client_version"]);
    const etagHeaders = { ...headers, etag: served.etag };
    const ifNoneMatch = request.headers["if-none-match"];
    if (ifNoneMatch?.split(",").some((tag) => tag.trim() === served.etag)) {
      res.writeHead(304, etagHeaders);
      res.end();
      return;
    }
    res.writeHead(200, {
      ...etagHeaders,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(served.text)),
    });
    res.end(served.text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const index = nextIndex;
    nextIndex += 1;
    trackClose(index, res);
    const request = await recordRequest(req);
    requests[index] = request;
    const headers: Record<string, string> = {
      ...(quota ? buildQuotaHeaders(quota, now()) : {}),
      "x-models-etag": catalog.etag,
      "x-request-id": `req_fake_${index}`,
    };
    const route = `${request.method} ${request.path}`;
    if (route === `POST ${CODEX_BASE_PATH}/responses`) return responses(request, index, res, headers);
    if (route === `GET ${CODEX_BASE_PATH}/models`) return models(request, res, headers);
    if (route === `POST ${CODEX_BASE_PATH}/responses/compact`)
      return serveCompact(request, res, headers, options.auth);
    sendJson(res, 404, { detail: "Not Found" }, headers);
  };

  const server = await startLoopbackServer(handle, options);
  return {
    baseUrl: `${server.origin}${CODEX_BASE_PATH}`,
    requests,
    setScenario(next) {
      if (typeof next === "string") assertScenarioName(next);
      scenario = next;
    },
    setQuota(update) {
      quota = update === null ? null : mergeQuota(quota ?? defaultQuota(now()), update);
    },
    quota: () => quota,
    setCatalog(next, etag) {
      catalog = createServedCatalog(next, etag);
    },
    catalogEtag: () => catalog.etag,
    setCacheModel(next) {
      cacheModel = next ? createCacheModel(next) : null;
    },
    cacheModel: () => cacheModel,
    turnStates: () => turnStates.records(),
    waitForClose(index) {
      const closed = closes.get(index);
      if (!closed) {
        return Promise.reject(new TestkitError("TESTKIT_INVALID_ARGUMENT", `no request with index ${index}`));
      }
      return closed;
    },
    onRequestClosed(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connectionCount: server.connectionCount,
    openConnectionCount: server.openConnectionCount,
    close: server.close,
  };
}
