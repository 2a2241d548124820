import type { BudgetPeriod } from "@cmp/protocol";

/** One budget period: its kind and its bounds in ms (UTC), `start` included, `end` excluded. */
export interface Period {
  per: BudgetPeriod;
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

/**
 * The period of kind `per` that holds the instant `now` (ms): a UTC calendar day, an ISO week
 * (Monday 00:00 UTC to the next Monday) or a UTC calendar month.
 */
export function periodAt(per: BudgetPeriod, now: number): Period {
  const date = new Date(now);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const dayStart = Date.UTC(y, m, date.getUTCDate());
  switch (per) {
    case "day":
      return { per, start: dayStart, end: dayStart + DAY_MS };
    case "week": {
      const start = dayStart - ((date.getUTCDay() + 6) % 7) * DAY_MS;
      return { per, start, end: start + 7 * DAY_MS };
    }
    case "month":
      return { per, start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}

/** The period's name in store keys: `day:2026-12-05`, `week:2026-11-30`, `month:2026-12`. */
export function periodLabel(period: Period): string {
  const iso = new Date(period.start).toISOString();
  return `${period.per}:${period.per === "month" ? iso.slice(0, 7) : iso.slice(0, 10)}`;
}
