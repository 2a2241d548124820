/** @module @cmp/testkit */

export { deactivatedWorkspaceReply, tokenRevokedReply } from "./account-refusals.js";
export type {
  FakeUsageLimit,
  FakeUsageLimitState,
  QuotaWindowName,
} from "./account-switches.js";
export {
  CODEX_CLIENT_ID,
  type FakeAuthConfig,
  type FakeAuthConfigUpdate,
  type TokenEndpointMode,
} from "./auth-config.js";
export { type RefreshRefusal, refreshRefusalBody } from "./auth-errors.js";
export {
  type AuthJsonFile,
  type AuthJsonTokens,
  buildAuthJson,
  writeAuthJson,
  writeAuthJsonFile,
} from "./auth-json.js";
export {
  BUILTIN_SCENARIO_NAMES,
  builtinScenarios,
  DEFAULT_REPLY_TEXT,
  OFFICIAL_FIXTURE_SSE,
} from "./builtin-scenarios.js";
export {
  applyCacheUsage,
  type CacheModelOptions,
  type CacheModelStats,
  type CacheUsage,
  createCacheModel,
  type FakeCacheModel,
  serializePrompt,
} from "./cache-model.js";
export {
  catalogForClientVersion,
  checkCatalogRules,
  newerVersionRequired,
  RESPONSES_LITE_HEADER,
} from "./catalog-request-rules.js";
export { compareClientVersions } from "./client-version.js";
export type { CodexCaller } from "./codex-auth.js";
export type { CodexRecordedRequest } from "./codex-recorded-request.js";
export { ACCEPTED_BODY_FIELDS, type ErrorReply, validateCodexRequest } from "./codex-validation.js";
export { COMPACT_BODY_FIELDS } from "./compact-endpoint.js";
export { conformanceScenarios } from "./conformance-scenarios.js";
export {
  type AccessTokenRefusal,
  type FakeAuthServer,
  type FakeAuthServerOptions,
  startFakeAuthServer,
} from "./fake-auth-server.js";
export {
  CODEX_BASE_PATH,
  type FakeCodexAccountState,
  type FakeCodexServer,
  type FakeCodexServerOptions,
  type RequestClosedInfo,
  startFakeCodexServer,
} from "./fake-codex-server.js";
export {
  type AccountLogin,
  type FakeUpstream,
  type FakeUpstreamOptions,
  startFakeUpstream,
} from "./fake-upstream.js";
export {
  buildFullResponseEvents,
  type CitationSpec,
  type FullItemSpec,
  type FullResponseEventsSpec,
  UNKNOWN_EVENT_TYPE,
} from "./full-response-events.js";
export {
  HOSTILE_LINE_BYTES,
  HOSTILE_SCENARIO_NAMES,
  HOSTILE_TRICKLE_MS,
  type HostileScenarioName,
  hostileScenarios,
} from "./hostile-scenarios.js";
export type { ListenOptions } from "./loopback-server.js";
export { loadBundledCatalog, loadBundledCatalogText } from "./model-catalog.js";
export { computeS256Challenge } from "./pkce.js";
export { type PlanModelRules, planHasModel } from "./plan-models.js";
export { FAKE_POOL_ACCOUNTS } from "./pool-accounts.js";
export {
  buildQuotaHeaders,
  type FakeQuota,
  type FakeQuotaFamily,
  type FakeQuotaUpdate,
  type FakeQuotaWindow,
} from "./quota-headers.js";
export type { RecordedRequest } from "./recorded-request.js";
export { connectTestRedis, type RedisReply, type TestRedisClient } from "./redis-client.js";
export {
  findFreePort,
  redisServerAvailable,
  type StartRedisServerOptions,
  startRedisServer,
  type TestRedisServer,
} from "./redis-server.js";
export {
  buildResponseEvents,
  type OutputItemSpec,
  type ResponseEndSpec,
  type ResponseEventsSpec,
  type ResponseUsage,
  splitIntoDeltas,
} from "./response-events.js";
export {
  type RunServerProcessOptions,
  runServerProcess,
  type ServerRun,
} from "./run-server-process.js";
export type {
  Scenario,
  ScenarioDelay,
  ScenarioInput,
  ScenarioRaw,
  ScenarioRequest,
  ScenarioStep,
} from "./scenario.js";
export {
  type ProcessExit,
  type ServerProcess,
  type ServerProcessOptions,
  type StopOptions,
  startServerProcess,
} from "./server-process.js";
export { createSigningKey, type SigningKey } from "./signing-key.js";
export type { NodeProcessOptions } from "./spawn-node.js";
export {
  type BytesOrText,
  chunkEvery,
  type StreamFromChunksOptions,
  splitAt,
  streamFromChunks,
} from "./split-bytes.js";
export { encodeSseEvent, encodeSseEvents, type ResponseStreamEvent } from "./sse-encode.js";
export { TestkitError, type TestkitErrorCode } from "./testkit-error.js";
export {
  DEFAULT_FAKE_ACCOUNT,
  type FakeAccount,
  OPENAI_AUTH_CLAIM,
  OPENAI_PROFILE_CLAIM,
} from "./token-claims.js";
export type { AuthCounters } from "./token-endpoint.js";
export type { FakeTokenSet, IssueTokensOptions, RevokedTokens } from "./token-issuer.js";
export {
  continuesTurn,
  createFakeTurnStates,
  FAKE_TURN_STATE_HEADER,
  type FakeTurnStates,
  type TurnStateRecord,
  type TurnStateVerdict,
} from "./turn-state.js";
export {
  USAGE_LIMIT_MESSAGE,
  type UsageLimitInfo,
  usageLimitReply,
  usageLimitStreamEvents,
} from "./usage-limit.js";
