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

/**
 * One limit of the subscription: a family of `x-<limit>-primary-*` / `x-<limit>-secondary-*` headers.
 * `x-codex-*` is the family `codex` (the limit that applies to this request); per-model limits have
 * their own prefix (`x-codex-bengalfox-*` is the family `codex_bengalfox`).
 */
export interface QuotaLimit {
  /** The header prefix with `_` for `-`: `codex`, `codex_bengalfox`, … (as `x-codex-active-limit` names them). */
  id: string;
  /** A display name the backend gave the family (`x-<limit>-limit-name`), when it did. */
  name: string | null;
  primary: QuotaWindow | null;
  secondary: QuotaWindow | null;
}

/** The quota state carried by one backend response. */
export interface QuotaSnapshot {
  /** The short window (about 5 hours) of the `codex` family (`x-codex-primary-*`). */
  primary: QuotaWindow | null;
  /** The long window (about a week) of the `codex` family (`x-codex-secondary-*`). */
  secondary: QuotaWindow | null;
  credits: QuotaCredits | null;
  /** `x-codex-plan-type`, when present. */
  planType: string | null;
  /** Every limit family the headers carried, `codex` first, then by id. */
  limits: QuotaLimit[];
  /** `x-codex-active-limit`: the limit that applies to this request, as the backend names it. */
  activeLimit: string | null;
  /** `x-codex-rate-limit-reached-type`: which limit or window was hit, when one was. */
  rateLimitReachedType: string | null;
  /** When the headers were read. */
  updatedAt: Date;
}

/** Reads one header of `headers` (names are passed lower-case). */
type HeaderReader<H> = (headers: H, name: string) => string | undefined;
/** Lists the header names of `headers` (any case). */
type HeaderNames<H> = (headers: H) => Iterable<string>;

/** Told about each `x-codex-*` header value that was ignored as invalid (name, raw value). */
export type InvalidQuotaHeaderHandler = (name: string, value: string) => void;

// The client's own response headers are a flat record with lower-case names: a direct property read
// spares the hot path the case-insensitive scan that `getHeader` does for every absent header.
const readLowerCase: HeaderReader<Readonly<Record<string, string>>> = (headers, name) => headers[name];
const recordNames = (headers: object): Iterable<string> => Object.keys(headers);
const headersLikeNames: HeaderNames<HeadersLike> = (headers) =>
  typeof (headers as Headers).keys === "function" ? (headers as Headers).keys() : recordNames(headers);

/** `x-<limit>-primary-used-percent` and its siblings: the name of every window header of every family. */
const WINDOW_HEADER =
  /^x-([a-z0-9]+(?:-[a-z0-9]+)*?)-(?:primary|secondary)-(?:used-percent|window-minutes|reset-at|reset-after-seconds)$/;
/** More families than this in one response is not a subscription but garbage; the rest are ignored. */
const MAX_LIMIT_FAMILIES = 16;

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
  names: HeaderNames<H>;
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
 * Reads the quota headers of a backend response: every `x-<limit>-primary-*` / `x-<limit>-secondary-*`
 * family (found by pattern over the header names: `x-codex-*`, per-model ones such as
 * `x-codex-bengalfox-*`, any other prefix), both the `reset-at` (unix seconds or a date) and the older
 * `reset-after-seconds` forms, `x-codex-active-limit`, `x-codex-rate-limit-reached-type` and the
 * credits headers. `primary` / `secondary` stay the `codex` family's. Header names match case-insensitively.
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
  return readQuota({ headers, get: getHeader, names: headersLikeNames, now, onInvalid });
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
  return readQuota({ headers, get: readLowerCase, names: recordNames, now, onInvalid });
}

/** The header prefixes (`codex`, `codex-bengalfox`, …) of the window families present, `codex` first. */
function familyPrefixes<H>(ctx: ReadContext<H>): string[] {
  const found: string[] = [];
  for (const raw of ctx.names(ctx.headers)) {
    // Most headers are not window headers: cheap checks before the pattern (this runs per response).
    if (raw.length > 100 || !(raw.startsWith("x-") || raw.startsWith("X-"))) continue;
    const name = raw.toLowerCase();
    if (!name.includes("-primary-") && !name.includes("-secondary-")) continue;
    const family = WINDOW_HEADER.exec(name)?.[1];
    if (family !== undefined && found.length < MAX_LIMIT_FAMILIES && !found.includes(family))
      found.push(family);
  }
  if (found.length > 1) {
    found.sort((a, b) => (a === "codex" ? -1 : b === "codex" ? 1 : a < b ? -1 : a > b ? 1 : 0));
  }
  return found;
}

function readQuota<H>(ctx: ReadContext<H>): QuotaSnapshot | null {
  const limits: QuotaLimit[] = [];
  let primary: QuotaWindow | null = null;
  let secondary: QuotaWindow | null = null;
  for (const prefix of familyPrefixes(ctx)) {
    const limit: QuotaLimit = {
      id: prefix.replaceAll("-", "_"),
      name: readText(ctx, `x-${prefix}-limit-name`),
      primary: parseWindow(ctx, `x-${prefix}-primary`),
      secondary: parseWindow(ctx, `x-${prefix}-secondary`),
    };
    if (limit.primary === null && limit.secondary === null) continue;
    if (prefix === "codex") {
      primary = limit.primary;
      secondary = limit.secondary;
    }
    limits.push(limit);
  }
  const hasCredits = readBoolean(ctx, "x-codex-credits-has-credits");
  const unlimited = readBoolean(ctx, "x-codex-credits-unlimited");
  const balance = readText(ctx, "x-codex-credits-balance");
  const credits =
    hasCredits === null && unlimited === null && balance === null ? null : { hasCredits, unlimited, balance };
  const activeLimit = readText(ctx, "x-codex-active-limit");
  const rateLimitReachedType = readText(ctx, "x-codex-rate-limit-reached-type");
  if (limits.length === 0 && credits === null && activeLimit === null && rateLimitReachedType === null) {
    return null;
  }
  const planType = readText(ctx, "x-codex-plan-type");
  return {
    primary,
    secondary,
    credits,
    planType,
    limits,
    activeLimit,
    rateLimitReachedType,
    updatedAt: new Date(ctx.now),
  };
}

/**
 * The limit that applies, as the backend said: the family `x-codex-active-limit` names (by id, or by
 * id without its `codex_` prefix), else the `codex` family (which always carries the active limit's
 * numbers), else the first family. `null` when the snapshot has no window at all.
 */
export function findActiveQuotaLimit(snapshot: QuotaSnapshot): QuotaLimit | null {
  const active = snapshot.activeLimit?.toLowerCase().replaceAll("-", "_");
  if (active) {
    const named = snapshot.limits.find((limit) => limit.id === active || limit.id === `codex_${active}`);
    if (named) return named;
  }
  return snapshot.limits.find((limit) => limit.id === "codex") ?? snapshot.limits[0] ?? null;
}
