import { getHeader, type HeadersLike } from "@cmp/core";

/** One usage window of the subscription, as reported by the `x-codex-<window>-*` headers. */
export interface QuotaWindow {
  /** Share of the window already used, 0–100. */
  usedPercent: number;
  /** Length of the window in minutes (300 = 5 hours, 10080 = a week), when the backend said. */
  windowMinutes: number | null;
  /** When the window resets, from `reset-at` (unix seconds) or `reset-after-seconds`. */
  resetsAt: Date | null;
}

/** The credits state from the `x-codex-credits-*` headers. */
export interface QuotaCredits {
  hasCredits: boolean | null;
  unlimited: boolean | null;
  /** The balance exactly as the backend wrote it (a decimal string). */
  balance: string | null;
}

/** The quota state carried by one backend response. */
export interface QuotaSnapshot {
  /** The short window (about 5 hours). */
  primary: QuotaWindow | null;
  /** The long window (about a week). */
  secondary: QuotaWindow | null;
  credits: QuotaCredits | null;
  /** `x-codex-plan-type`, when present. */
  planType: string | null;
  /** When the headers were read. */
  updatedAt: Date;
}

/** Reads one header of `headers` (names are passed lower-case). */
type HeaderReader<H> = (headers: H, name: string) => string | undefined;

// The client's own response headers are a flat record with lower-case names: a direct property read
// spares the hot path the case-insensitive scan that `getHeader` does for every absent header.
const readLowerCase: HeaderReader<Readonly<Record<string, string>>> = (headers, name) => headers[name];

function parseNumber(value: string | undefined): number | null {
  if (value === undefined || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function parseBoolean(value: string | undefined): boolean | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return null;
}

function parseWindow<H>(headers: H, get: HeaderReader<H>, prefix: string, now: number): QuotaWindow | null {
  const usedPercent = parseNumber(get(headers, `${prefix}-used-percent`));
  if (usedPercent === null) return null;
  const windowMinutes = parseNumber(get(headers, `${prefix}-window-minutes`));
  let resetsAt: Date | null = null;
  const resetAt = get(headers, `${prefix}-reset-at`);
  const resetAtSeconds = parseNumber(resetAt);
  if (resetAtSeconds !== null) {
    resetsAt = new Date(resetAtSeconds * 1000);
  } else if (resetAt !== undefined && !Number.isNaN(Date.parse(resetAt))) {
    resetsAt = new Date(Date.parse(resetAt));
  } else {
    const after = parseNumber(get(headers, `${prefix}-reset-after-seconds`));
    if (after !== null) resetsAt = new Date(now + after * 1000);
  }
  return { usedPercent, windowMinutes, resetsAt };
}

/**
 * Reads the `x-codex-*` quota headers of a backend response: both the `reset-at` (unix seconds) and the
 * older `reset-after-seconds` forms, and the credits headers. Header names match case-insensitively.
 * Returns `null` when the response carried none.
 *
 * @example parseQuotaHeaders({ "x-codex-primary-used-percent": "42.5" })?.primary?.usedPercent // 42.5
 */
export function parseQuotaHeaders(headers: HeadersLike, now: number = Date.now()): QuotaSnapshot | null {
  return readQuota(headers, getHeader, now);
}

/**
 * {@link parseQuotaHeaders} for a record whose names are already lower-case (the client's responses),
 * without the case-insensitive fallback.
 */
export function parseLowerCaseQuotaHeaders(
  headers: Readonly<Record<string, string>>,
  now: number,
): QuotaSnapshot | null {
  return readQuota(headers, readLowerCase, now);
}

function readQuota<H>(headers: H, get: HeaderReader<H>, now: number): QuotaSnapshot | null {
  const primary = parseWindow(headers, get, "x-codex-primary", now);
  const secondary = parseWindow(headers, get, "x-codex-secondary", now);
  const hasCredits = parseBoolean(get(headers, "x-codex-credits-has-credits"));
  const unlimited = parseBoolean(get(headers, "x-codex-credits-unlimited"));
  const balance = get(headers, "x-codex-credits-balance")?.trim() || null;
  const credits =
    hasCredits === null && unlimited === null && balance === null ? null : { hasCredits, unlimited, balance };
  if (primary === null && secondary === null && credits === null) return null;
  const planType = get(headers, "x-codex-plan-type")?.trim() || null;
  return { primary, secondary, credits, planType, updatedAt: new Date(now) };
}
