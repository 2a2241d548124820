/** Formats a duration for a table cell: `850ms`, `1.2s`, `2m05s`, `—` when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}

/** Formats a span of time coarsely: `45s`, `12m`, `2h 14m`, `3d 6h`. */
export function formatSpan(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${String(totalSeconds % 60).padStart(2, "0")}s`;
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 24) return `${totalHours}h ${String(totalMinutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(totalHours / 24)}d ${totalHours % 24}h`;
}

/** `in 2h 14m` for a future time, `3m 02s ago` for a past one. */
export function formatRelative(target: Date, now: number): string {
  const delta = target.getTime() - now;
  return delta >= 0 ? `in ${formatSpan(delta)}` : `${formatSpan(-delta)} ago`;
}

/** Formats a token count compactly: `950`, `12.3k`, `1.20M`; `—` when unknown. */
export function formatTokens(count: number | null | undefined): string {
  if (count === null || count === undefined) return "—";
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
  return `${(count / 1_000_000).toFixed(2)}M`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Local wall-clock time `HH:MM:SS`. */
export function formatClock(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** A reset time: `21:00` today, `Tue 00:00` within a week, `2026-12-01 00:00` beyond. */
export function formatResetTime(date: Date, now: number): string {
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const delta = date.getTime() - now;
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return hm;
  if (delta > 0 && delta < 6 * 86_400_000) return `${weekdays[date.getDay()]} ${hm}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${hm}`;
}

/** A window length in words: `5h`, `weekly`, `90m`. */
export function formatWindow(minutes: number | null): string | null {
  if (minutes === null) return null;
  if (minutes === 10_080) return "weekly";
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** Cuts `text` to `width` characters, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** A local calendar date `2026-11-27`. */
export function formatDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
