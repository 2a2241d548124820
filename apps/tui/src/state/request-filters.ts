import type { RequestRecord } from "@cmp/protocol";
import { modelOf } from "./dashboard-state.js";

/** What the request table can be filtered by. */
export type FilterField = "key" | "status" | "model" | "account";

/** The fields in the order of their keys (`1`–`4`). */
export const FILTER_FIELDS: readonly FilterField[] = ["key", "status", "model", "account"];

/**
 * The active filters; `null` shows everything. `status` is `ok`, `error` or an error code
 * (`usage_limit_reached`, …); `key` and `account` may be {@link NO_KEY} / {@link NO_ACCOUNT}.
 */
export type RequestFilters = Record<FilterField, string | null>;

/** No filter at all. */
export const noFilters: RequestFilters = { key: null, status: null, model: null, account: null };

/** The value standing for requests made without a named key (no key, or an unnamed `CMP_API_KEYS` key). */
export const NO_KEY = "(no key)";

/** The value standing for requests no pool account served (older servers, or failed before one was chosen). */
export const NO_ACCOUNT = "(no account)";

/** The key a request is filed under. */
export function keyOf(record: RequestRecord): string {
  return record.key ?? NO_KEY;
}

/** The account a request is filed under. */
export function accountOf(record: RequestRecord): string {
  return record.account ?? NO_ACCOUNT;
}

function matchesStatus(record: RequestRecord, status: string): boolean {
  if (status === "ok") return record.state === "done";
  if (status === "error") return record.state === "error";
  return record.errorCode === status;
}

/** True when `record` passes every active filter. */
export function matchesFilters(record: RequestRecord, filters: RequestFilters): boolean {
  return (
    (filters.key === null || keyOf(record) === filters.key) &&
    (filters.status === null || matchesStatus(record, filters.status)) &&
    (filters.model === null || modelOf(record) === filters.model) &&
    (filters.account === null || accountOf(record) === filters.account)
  );
}

/** True when any filter is set. */
export function hasFilters(filters: RequestFilters): boolean {
  return FILTER_FIELDS.some((field) => filters[field] !== null);
}

const distinct = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b));

/**
 * The values `field` can take among `records` (and, for accounts, the pool's names): what cycling the
 * filter steps through. Status always offers `ok` and `error`, then the error codes seen.
 */
export function filterValues(
  field: FilterField,
  records: RequestRecord[],
  accounts: string[] = [],
): string[] {
  switch (field) {
    case "key":
      return distinct(records.map(keyOf));
    case "model":
      return distinct(records.map(modelOf));
    case "account":
      return distinct([...accounts, ...records.map(accountOf)]);
    case "status":
      return [
        "ok",
        "error",
        ...distinct(records.flatMap((r) => (r.errorCode ? [r.errorCode] : []))).filter(
          (code) => code !== "ok" && code !== "error",
        ),
      ];
  }
}

/**
 * Steps `field` to its next value: none → the first value → … → the last → none. A value that is no
 * longer offered starts over from the first.
 */
export function cycleFilter(
  filters: RequestFilters,
  field: FilterField,
  records: RequestRecord[],
  accounts: string[] = [],
): RequestFilters {
  const values = filterValues(field, records, accounts);
  const current = filters[field];
  const index = current === null ? -1 : values.indexOf(current);
  const next = index + 1 < values.length ? (values[index + 1] ?? null) : null;
  return { ...filters, [field]: next };
}

/** The active filters in words (`key=alice · status=error`), or an empty string. */
export function describeFilters(filters: RequestFilters): string {
  return FILTER_FIELDS.filter((field) => filters[field] !== null)
    .map((field) => `${field}=${filters[field]}`)
    .join(" · ");
}
