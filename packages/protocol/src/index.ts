/** @module @cmp/protocol */
export {
  type AccountEvent,
  type AccountState,
  type AccountStatus,
  accountEventSchema,
  accountStateSchema,
  accountStatusSchema,
} from "./account-status.js";
export {
  type ApiKeyInfo,
  type ApiKeyList,
  apiKeyInfoSchema,
  apiKeyListSchema,
  type BudgetPeriod,
  budgetPeriodSchema,
  type CreatedApiKey,
  createdApiKeySchema,
  type KeyUsage,
  keyUsageSchema,
  type RequestHistoryPage,
  requestHistoryPageSchema,
} from "./api-key.js";
export {
  type AuthEvent,
  authEventSchema,
  MANAGEMENT_EVENT_NAMES,
  type ManagementEvent,
  type ManagementEventName,
  managementEventSchemas,
  type SnapshotEvent,
  snapshotEventSchema,
} from "./management-events.js";
export {
  type ManagementEventError,
  type ManagementEventErrorCode,
  type ManagementEventParseResult,
  parseManagementEvent,
} from "./parse-management-event.js";
export {
  KNOWN_REQUEST_APIS,
  type KnownRequestApi,
  type RequestApi,
  type RequestRecord,
  type RequestState,
  type RequestUsage,
  requestApiSchema,
  requestRecordSchema,
  requestStateSchema,
  requestUsageSchema,
} from "./request-record.js";
export {
  type QuotaCredits,
  type QuotaStatus,
  type QuotaStatusLimit,
  type QuotaStatusWindow,
  quotaCreditsSchema,
  quotaStatusLimitSchema,
  quotaStatusSchema,
  quotaStatusWindowSchema,
  type ServerStatus,
  serverStatusSchema,
} from "./server-status.js";
export { timestampSchema } from "./timestamp.js";
