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

/** Response headers in any of the usual shapes: a `Headers` object or a plain (lower-case) record. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

function headerGetter(headers: HeadersLike): (name: string) => string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (name) => (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  return (name) => {
    const value = record[name];
    return Array.isArray(value) ? value[0] : value;
  };
}

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

function parseWindow(
  get: (name: string) => string | undefined,
  prefix: string,
  now: number,
): QuotaWindow | null {
  const usedPercent = parseNumber(get(`${prefix}-used-percent`));
  if (usedPercent === null) return null;
  const windowMinutes = parseNumber(get(`${prefix}-window-minutes`));
  let resetsAt: Date | null = null;
  const resetAt = get(`${prefix}-reset-at`);
  const resetAtSeconds = parseNumber(resetAt);
  if (resetAtSeconds !== null) {
    resetsAt = new Date(resetAtSeconds * 1000);
  } else if (resetAt !== undefined && !Number.isNaN(Date.parse(resetAt))) {
    resetsAt = new Date(Date.parse(resetAt));
  } else {
    const after = parseNumber(get(`${prefix}-reset-after-seconds`));
    if (after !== null) resetsAt = new Date(now + after * 1000);
  }
  return { usedPercent, windowMinutes, resetsAt };
}

/**
 * Reads the `x-codex-*` quota headers of a backend response: both the `reset-at` (unix seconds) and the
 * older `reset-after-seconds` forms, and the credits headers. Returns `null` when the response carried none.
 *
 * @example parseQuotaHeaders({ "x-codex-primary-used-percent": "42.5" })?.primary?.usedPercent // 42.5
 */
export function parseQuotaHeaders(headers: HeadersLike, now: number = Date.now()): QuotaSnapshot | null {
  const get = headerGetter(headers);
  const primary = parseWindow(get, "x-codex-primary", now);
  const secondary = parseWindow(get, "x-codex-secondary", now);
  const hasCredits = parseBoolean(get("x-codex-credits-has-credits"));
  const unlimited = parseBoolean(get("x-codex-credits-unlimited"));
  const balance = get("x-codex-credits-balance")?.trim() || null;
  const credits =
    hasCredits === null && unlimited === null && balance === null ? null : { hasCredits, unlimited, balance };
  if (primary === null && secondary === null && credits === null) return null;
  const planType = get("x-codex-plan-type")?.trim() || null;
  return { primary, secondary, credits, planType, updatedAt: new Date(now) };
}
