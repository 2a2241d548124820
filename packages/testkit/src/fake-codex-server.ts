import type { IncomingMessage, ServerResponse } from "node:http";
import { deactivatedWorkspaceReply } from "./account-refusals.js";
import {
  type AccountGate,
  createAccountSwitches,
  type FakeUsageLimit,
  type FakeUsageLimitState,
} from "./account-switches.js";
import { BUILTIN_SCENARIO_NAMES } from "./builtin-scenarios.js";
import {
  applyCacheUsage,
  type CacheModelOptions,
  createCacheModel,
  type FakeCacheModel,
} from "./cache-model.js";
import { catalogForClientVersion, checkCatalogRules } from "./catalog-request-rules.js";
import { type CodexCaller, checkCodexCaller } from "./codex-auth.js";
import { accountsBySession, type CodexRecordedRequest, toCodexRecord } from "./codex-recorded-request.js";
import { type ErrorReply, validateCodexRequest } from "./codex-validation.js";
import { serveCompact } from "./compact-endpoint.js";
import type { FakeAuthServer } from "./fake-auth-server.js";
import { type ListenOptions, sendJson, startLoopbackServer } from "./loopback-server.js";
import { createServedCatalog, loadBundledCatalogText, type ServedCatalog } from "./model-catalog.js";
import { catalogForPlan, type PlanModelRules } from "./plan-models.js";
import {
  buildQuotaHeaders,
  defaultQuota,
  type FakeQuota,
  type FakeQuotaUpdate,
  mergeQuota,
} from "./quota-headers.js";
import { recordRequest } from "./recorded-request.js";
import {
  assertScenarioName,
  FAKE_MODEL_PREFIX,
  readLastUserText,
  readToolNames,
  resolveScenario,
} from "./resolve-scenario.js";
import type { Scenario, ScenarioInput, ScenarioRequest } from "./scenario.js";
import { TestkitError } from "./testkit-error.js";
import { createFakeTurnStates, FAKE_TURN_STATE_HEADER, type TurnStateRecord } from "./turn-state.js";
import { usageLimitReply, usageLimitStreamEvents } from "./usage-limit.js";
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
  /**
   * Clock in milliseconds, for quota reset times, usage-limit resets (`setAccountUsageLimit`) and the
   * `usage-limit` scenarios. Move it past a reset time to lift a limit. Default `Date.now`.
   */
  now?: () => number;
  /** Model prompt caching across upstream servers (see `setCacheModel`). Default: off. */
  cacheModel?: CacheModelOptions;
  /** Which models each plan may use (see `setPlanModels`). Default: every plan sees every model. */
  planModels?: PlanModelRules;
}

/** What the fake backend holds for one account (see `accountState`). */
export interface FakeCodexAccountState {
  /** The quota the account is reported now (its own or the server-wide one, 100 % while limited). */
  quota: FakeQuota | null;
  /** Its usage limit, `null` when none is set (or it has reset). */
  usageLimit: FakeUsageLimitState | null;
  /** True while its workspace is deactivated. */
  deactivated: boolean;
}

/** A running fake ChatGPT Codex backend. */
export interface FakeCodexServer {
  /** `http://127.0.0.1:PORT/backend-api/codex`. */
  baseUrl: string;
  /** Every request received, in order (index = `requestIndex`), with the account and session that sent it. */
  requests: CodexRecordedRequest[];
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
  /**
   * Gives one account its own quota (merged into its current one, a copy of the server-wide quota at
   * first): every answer to that account carries it in its `x-codex-*` headers (`planType` adds
   * `x-codex-plan-type`). Other accounts keep the server-wide quota (`setQuota`).
   */
  setAccountQuota(accountId: string, update: FakeQuotaUpdate): void;
  /**
   * Sets (or with `null` lifts) a usage limit on one account. Once hit (at once, or after `afterRequests`
   * more requests), every `POST /responses` and `/responses/compact` of the account gets the backend's
   * 429 (or 404) `usage_limit_reached` with `resets_at`/`resets_in_seconds`, and every answer to it shows
   * the limited window at 100 % with that reset time, until the clock (`now`) passes the reset; the
   * window then reads 0 % with the next reset. `midStream` makes the request that hits it a stream that
   * fails with `response.failed` `usage_limit_reached` after some output. Checked right after
   * authorisation, before the body is validated or a scenario chosen.
   */
  setAccountUsageLimit(accountId: string, limit: FakeUsageLimit | null): void;
  /**
   * Deactivates (or reactivates) one account's workspace: every request of the account, `/models`
   * included, gets 402 `{"detail":{"code":"deactivated_workspace"}}`.
   */
  setAccountDeactivated(accountId: string, deactivated: boolean): void;
  /** What the fake holds for one account now: its reported quota, usage limit and deactivation. */
  accountState(accountId: string): FakeCodexAccountState;
  /** Forgets every per-account switch of one account (quota, usage limit, deactivation). */
  clearAccount(accountId: string): void;
  /**
   * Sets which models each plan may use (`null`: every plan every model). `GET /models` then lists only
   * the caller's plan's models (its own ETag, also sent as `x-models-etag` to that caller), and a
   * `POST /responses` for a model the caller's plan lacks gets 400
   * `{"detail":"The '<slug>' model is not supported when using Codex with a ChatGPT account."}`.
   */
  setPlanModels(rules: PlanModelRules | null): void;
  /**
   * For each conversation (`session-id`, else `prompt_cache_key`), the distinct account ids its authorised
   * `/responses` and `/responses/compact` requests reached, in order of first use.
   */
  accountsBySession(): Map<string, string[]>;
  /** Calls `listener` whenever a request's connection closes; returns an unsubscribe function. */
  onRequestClosed(listener: (info: RequestClosedInfo) => void): () => void;
  /** TCP connections accepted since start. */
  connectionCount(): number;
  /** TCP connections open now. */
  openConnectionCount(): number;
  /** Stops the server and destroys open sockets (stalled streams included). */
  close(): Promise<void>;
}

function toScenarioRequest(
  request: CodexRecordedRequest,
  index: number,
  caller: CodexCaller,
  nowMs: number,
): ScenarioRequest {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return {
    body,
    headers: request.headers,
    model: typeof body["model"] === "string" ? body["model"] : "",
    lastUserText: readLastUserText(body["input"]),
    toolNames: readToolNames(body["tools"]),
    planType: caller.planType,
    requestIndex: index,
    nowMs,
    accountId: caller.accountId,
  };
}

/** An error answer written like the scenario that sends the same error (`usage-limit`, …), byte for byte. */
function jsonScenario(reply: ErrorReply): Scenario {
  return {
    status: reply.status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(reply.body),
  };
}

/** The routes a usage limit refuses (and whose requests use up `afterRequests`). */
const LIMITED_ROUTES = new Set([
  `POST ${CODEX_BASE_PATH}/responses`,
  `POST ${CODEX_BASE_PATH}/responses/compact`,
]);
/** The routes that need an authorised caller. */
const AUTHORISED_ROUTES = new Set([...LIMITED_ROUTES, `GET ${CODEX_BASE_PATH}/models`]);

/**
 * Starts a fake ChatGPT Codex backend on loopback: `POST /responses` validates like the real backend and
 * streams scripted scenarios; `GET /models` serves the catalog with ETag/304. Every response carries
 * `x-codex-*` quota headers and `x-models-etag`.
 * @see [openai/codex `codex-rs/codex-api/src/endpoint/responses.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/endpoint/responses.rs)
 * @see [openai/codex `codex-rs/codex-api/src/endpoint/models.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/endpoint/models.rs)
 */
export async function startFakeCodexServer(options: FakeCodexServerOptions = {}): Promise<FakeCodexServer> {
  const now = options.now ?? Date.now;
  const requests: CodexRecordedRequest[] = [];
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
  let planModels: PlanModelRules | null = options.planModels ?? null;
  // Each plan's catalog, built on first use; dropped when the catalog or the plan rules change.
  const planCatalogs = new Map<string, ServedCatalog>();
  const catalogOf = (planType: string): ServedCatalog => {
    let served = planCatalogs.get(planType);
    if (!served) {
      served = catalogForPlan(catalog, planModels, planType);
      planCatalogs.set(planType, served);
    }
    return served;
  };
  const fakeModels = BUILTIN_SCENARIO_NAMES.map((name) => `${FAKE_MODEL_PREFIX}${name}`);
  let cacheModel: FakeCacheModel | null = options.cacheModel ? createCacheModel(options.cacheModel) : null;
  const turnStates = createFakeTurnStates();
  const accounts = createAccountSwitches(now, () => quota);

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
    request: CodexRecordedRequest,
    index: number,
    res: ServerResponse,
    headers: Record<string, string>,
    caller: CodexCaller,
  ) => {
    const served = catalogOf(caller.planType);
    const invalid = validateCodexRequest(request.body, served.models, fakeModels);
    if (invalid) return sendJson(res, invalid.status, invalid.body, headers);
    const body = request.body as Record<string, unknown>;
    const rules = served.models.find((m) => m.slug === body["model"]);
    const refused = rules ? checkCatalogRules(body, request.headers, rules) : null;
    if (refused) return sendJson(res, refused.status, refused.body, headers);
    const turnState = turnStates.handle(index, request.headers, body);
    if (turnState !== null) headers[FAKE_TURN_STATE_HEADER] = turnState;
    const usage = cacheModel?.serve(request.headers, body);
    const chosen = (() => {
      try {
        return resolveScenario(scenario, toScenarioRequest(request, index, caller, now()));
      } catch (cause) {
        if (TestkitError.isInstance(cause)) return cause;
        throw cause;
      }
    })();
    if (TestkitError.isInstance(chosen)) return sendJson(res, 400, { detail: chosen.message }, headers);
    await writeScenario(res, usage ? applyCacheUsage(chosen, usage) : chosen, headers);
  };

  const models = (
    request: CodexRecordedRequest,
    res: ServerResponse,
    headers: Record<string, string>,
    caller: CodexCaller,
  ) => {
    if (!request.query["client_version"]) {
      return sendJson(res, 400, { detail: "Missing required query parameter: client_version" }, headers);
    }
    const served = catalogForClientVersion(catalogOf(caller.planType), request.query["client_version"]);
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

  /** Answers a request the account's switches stopped; false when the request goes on to its route. */
  const refuseByAccount = async (
    gate: AccountGate,
    request: CodexRecordedRequest,
    res: ServerResponse,
    headers: Record<string, string>,
    caller: CodexCaller,
  ): Promise<boolean> => {
    if (gate.kind === "pass") return false;
    if (gate.kind === "deactivated") {
      await writeScenario(res, jsonScenario(deactivatedWorkspaceReply()), headers);
      return true;
    }
    const info = { planType: caller.planType, resetsAt: gate.resetsAt, nowMs: now() };
    const body = request.body as Record<string, unknown> | null;
    if (gate.kind === "usage-limit-stream" && request.path.endsWith("/responses")) {
      const model = typeof body?.["model"] === "string" ? body["model"] : "gpt-5.4";
      await writeScenario(res, { events: usageLimitStreamEvents({ ...info, model }) }, headers);
      return true;
    }
    // A compaction request that hits a mid-stream limit has no stream to fail: it gets the HTTP refusal.
    const reply = usageLimitReply(info, gate.status);
    await writeScenario(res, jsonScenario(reply), headers);
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const index = nextIndex;
    nextIndex += 1;
    trackClose(index, res);
    const received = await recordRequest(req);
    const route = `${received.method} ${received.path}`;
    const authorised = AUTHORISED_ROUTES.has(route);
    const checked = authorised ? await checkCodexCaller(received.headers, options.auth) : null;
    const caller = checked?.caller ?? null;
    const request = toCodexRecord(received, caller !== null);
    requests[index] = request;
    const gate: AccountGate = caller
      ? accounts.admit(caller.accountId, LIMITED_ROUTES.has(route))
      : { kind: "pass" };
    // The stream that hits a limit mid-turn started before the limit: its headers show the quota as it was.
    const reported = caller ? accounts.quotaFor(caller.accountId, gate.kind !== "usage-limit-stream") : quota;
    const headers: Record<string, string> = {
      ...(reported ? buildQuotaHeaders(reported, now()) : {}),
      "x-models-etag": caller ? catalogOf(caller.planType).etag : catalog.etag,
      "x-request-id": `req_fake_${index}`,
    };
    if (!authorised) return sendJson(res, 404, { detail: "Not Found" }, headers);
    if (!caller) {
      const error = checked?.error ?? { status: 401, body: { detail: "Unauthorized" } };
      return sendJson(res, error.status, error.body, headers);
    }
    if (await refuseByAccount(gate, request, res, headers, caller)) return;
    if (route === `POST ${CODEX_BASE_PATH}/responses`) return responses(request, index, res, headers, caller);
    if (route === `GET ${CODEX_BASE_PATH}/models`) return models(request, res, headers, caller);
    return serveCompact(request, res, headers);
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
      planCatalogs.clear();
    },
    catalogEtag: () => catalog.etag,
    setCacheModel(next) {
      cacheModel = next ? createCacheModel(next) : null;
    },
    cacheModel: () => cacheModel,
    turnStates: () => turnStates.records(),
    setAccountQuota: (accountId, update) => accounts.setQuota(accountId, update),
    setAccountUsageLimit: (accountId, limit) => accounts.setUsageLimit(accountId, limit),
    setAccountDeactivated: (accountId, deactivated) => accounts.setDeactivated(accountId, deactivated),
    accountState: (accountId) => ({
      quota: accounts.quotaFor(accountId),
      usageLimit: accounts.limitState(accountId),
      deactivated: accounts.isDeactivated(accountId),
    }),
    clearAccount: (accountId) => accounts.clear(accountId),
    setPlanModels(rules) {
      planModels = rules;
      planCatalogs.clear();
    },
    accountsBySession: () => accountsBySession(requests),
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
