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

/** Told about each `x-codex-*` header value that was ignored as invalid (name, raw value). */
export type InvalidQuotaHeaderHandler = (name: string, value: string) => void;

// The client's own response headers are a flat record with lower-case names: a direct property read
// spares the hot path the case-insensitive scan that `getHeader` does for every absent header.
const readLowerCase: HeaderReader<Readonly<Record<string, string>>> = (headers, name) => headers[name];

/** A reset more than this far from now is not a reset time but garbage: treated as unknown. */
export const MAX_QUOTA_RESET_MS = 366 * 24 * 3600 * 1000;
/** The longest usage window that makes sense (a year, in minutes); longer is ignored. */
const MAX_WINDOW_MINUTES = 366 * 24 * 60;
/** Plan names and balances are short words and decimals; anything longer is not one. */
const MAX_TEXT_LENGTH = 64;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** What a parse reads and reports: one object per call, so the parsers need no closures. */
interface ReadContext<H> {
  headers: H;
  get: HeaderReader<H>;
  now: number;
  onInvalid: InvalidQuotaHeaderHandler | undefined;
}

function invalid<H>(ctx: ReadContext<H>, name: string, value: string): null {
  ctx.onInvalid?.(name, value.length > 100 ? `${value.slice(0, 100)}…` : value);
  return null;
}

/** A finite number within `[min, max]`, or `null` (absent, or invalid and reported). */
function readNumber<H>(ctx: ReadContext<H>, name: string, min: number, max: number): number | null {
  const value = ctx.get(ctx.headers, name);
  if (value === undefined || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : invalid(ctx, name, value);
}

function readBoolean<H>(ctx: ReadContext<H>, name: string): boolean | null {
  const value = ctx.get(ctx.headers, name);
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return invalid(ctx, name, value);
}

function readText<H>(ctx: ReadContext<H>, name: string): string | null {
  const value = ctx.get(ctx.headers, name)?.trim();
  if (!value) return null;
  return value.length <= MAX_TEXT_LENGTH && PRINTABLE.test(value) ? value : invalid(ctx, name, value);
}

/** A reset time in ms, when it lies within a year of now (else it is garbage, and unknown). */
function plausibleReset(ms: number, now: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms - now) <= MAX_QUOTA_RESET_MS;
}

function readReset<H>(ctx: ReadContext<H>, prefix: string): Date | null {
  const { now } = ctx;
  const resetAtName = `${prefix}-reset-at`;
  const resetAt = ctx.get(ctx.headers, resetAtName)?.trim();
  if (resetAt) {
    const seconds = Number(resetAt);
    const ms = Number.isNaN(seconds) ? Date.parse(resetAt) : seconds * 1000;
    if (plausibleReset(ms, now)) return new Date(ms);
    invalid(ctx, resetAtName, resetAt);
  }
  const after = readNumber(ctx, `${prefix}-reset-after-seconds`, 0, MAX_QUOTA_RESET_MS / 1000);
  return after === null ? null : new Date(now + after * 1000);
}

function parseWindow<H>(ctx: ReadContext<H>, prefix: string): QuotaWindow | null {
  // A share above 100 % is clamped (the window is full), a negative or non-numeric one is garbage.
  const used = readNumber(ctx, `${prefix}-used-percent`, 0, Number.MAX_VALUE);
  if (used === null) return null;
  const windowMinutes = readNumber(ctx, `${prefix}-window-minutes`, Number.MIN_VALUE, MAX_WINDOW_MINUTES);
  return { usedPercent: Math.min(used, 100), windowMinutes, resetsAt: readReset(ctx, prefix) };
}

/**
 * Reads the `x-codex-*` quota headers of a backend response: both the `reset-at` (unix seconds) and the
 * older `reset-after-seconds` forms, and the credits headers. Header names match case-insensitively.
 * Returns `null` when the response carried none.
 *
 * Every value is data from the network and is checked: a used share is clamped to 0–100 (a negative
 * one is dropped), a reset more than a year from `now` or a window longer than a year is unknown, and
 * plan and balance must be short printable text. An invalid value is ignored (and told to `onInvalid`);
 * the rest of the headers still count. So the result always serialises (`toISOString` never throws).
 *
 * @example parseQuotaHeaders({ "x-codex-primary-used-percent": "42.5" })?.primary?.usedPercent // 42.5
 */
export function parseQuotaHeaders(
  headers: HeadersLike,
  now: number = Date.now(),
  onInvalid?: InvalidQuotaHeaderHandler,
): QuotaSnapshot | null {
  return readQuota({ headers, get: getHeader, now, onInvalid });
}

/**
 * {@link parseQuotaHeaders} for a record whose names are already lower-case (the client's responses),
 * without the case-insensitive fallback.
 */
export function parseLowerCaseQuotaHeaders(
  headers: Readonly<Record<string, string>>,
  now: number,
  onInvalid?: InvalidQuotaHeaderHandler,
): QuotaSnapshot | null {
  return readQuota({ headers, get: readLowerCase, now, onInvalid });
}

function readQuota<H>(ctx: ReadContext<H>): QuotaSnapshot | null {
  const primary = parseWindow(ctx, "x-codex-primary");
  const secondary = parseWindow(ctx, "x-codex-secondary");
  const hasCredits = readBoolean(ctx, "x-codex-credits-has-credits");
  const unlimited = readBoolean(ctx, "x-codex-credits-unlimited");
  const balance = readText(ctx, "x-codex-credits-balance");
  const credits =
    hasCredits === null && unlimited === null && balance === null ? null : { hasCredits, unlimited, balance };
  if (primary === null && secondary === null && credits === null) return null;
  const planType = readText(ctx, "x-codex-plan-type");
  return { primary, secondary, credits, planType, updatedAt: new Date(ctx.now) };
}
