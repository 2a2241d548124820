import { Box } from "ink";
import { useMemo } from "react";
import type { Connection } from "../hooks/use-server-connection.js";
import type { DashboardState } from "../state/dashboard-state.js";
import { hasFilters, matchesFilters, noFilters, type RequestFilters } from "../state/request-filters.js";
import { ErrorFeed } from "./error-feed.js";
import { FilterLine } from "./filter-line.js";
import { hasNamedKeys, KeyTotalsTable } from "./key-totals.js";
import { ModelTotalsTable } from "./model-totals.js";
import { MatchingRequests, RunningRequests } from "./request-table.js";
import { ServerDownHelp } from "./server-down.js";
import { StatusPanel } from "./status-panel.js";

/** Props of `DashboardScreen`. */
export interface DashboardScreenProps {
  dashboard: DashboardState;
  connection: Connection;
  serverUrl: string;
  now: number;
  width: number;
  /** Most lines this screen may use; it never draws more, so Ink never has to clear the terminal. */
  height: number;
  errorScroll: number;
  /** Request filters (`1`–`4`); none by default. */
  filters?: RequestFilters;
}

/** How many of each section's rows fit (below each section's title and column header). */
export interface DashboardRows {
  running: number;
  matching: number;
  totals: number;
  keyTotals: number;
  errors: number;
}

/**
 * Splits the lines left under the status panel between requests, matching requests (only with a
 * filter), totals per model, totals per key (only once a named key was seen) and errors. Each section
 * takes only what it needs, up to a share of the space, so the finished-request log above stays visible.
 */
export function planDashboardRows(
  available: number,
  counts: {
    running: number;
    totals: number;
    errors: number;
    helpLines: number;
    /** Finished requests that pass the filters; `null` without filters (the section is hidden). */
    matching?: number | null;
    /** Rows of the per-key table; 0 hides it. */
    keyTotals?: number;
  },
): DashboardRows {
  const share = (part: number, minimum: number) => Math.max(minimum, Math.floor(available * part));
  const runningLines =
    counts.helpLines > 0
      ? counts.helpLines
      : counts.running === 0
        ? 2
        : Math.min(2 + counts.running, share(0.3, 3));
  const matching = counts.matching ?? null;
  const matchingLines = matching === null ? 0 : matching === 0 ? 2 : Math.min(2 + matching, share(0.3, 3));
  const totalsLines = counts.totals === 0 ? 2 : Math.min(2 + counts.totals, share(0.2, 3));
  const keyTotals = counts.keyTotals ?? 0;
  const keyLines = keyTotals === 0 ? 0 : Math.min(2 + keyTotals, share(0.2, 3));
  const errorLines = Math.max(
    2,
    Math.min(
      1 + Math.max(1, counts.errors),
      share(0.25, 2),
      available - runningLines - matchingLines - totalsLines - keyLines,
    ),
  );
  return {
    running: runningLines - 2,
    matching: Math.max(0, matchingLines - 2),
    totals: totalsLines - 2,
    keyTotals: Math.max(0, keyLines - 2),
    errors: errorLines - 1,
  };
}

/**
 * The monitoring screen: status box, requests in flight, (with a filter) the matching finished requests,
 * per-model and per-key totals and the error feed.
 */
export function DashboardScreen({
  dashboard,
  connection,
  serverUrl,
  now,
  width,
  height,
  errorScroll,
  filters = noFilters,
}: DashboardScreenProps) {
  const filtered = hasFilters(filters);
  const running = useMemo(
    () => (filtered ? dashboard.running.filter((r) => matchesFilters(r, filters)) : dashboard.running),
    [dashboard.running, filters, filtered],
  );
  const matching = useMemo(
    () => (filtered ? dashboard.finished.filter((r) => matchesFilters(r, filters)) : []),
    [dashboard.finished, filters, filtered],
  );
  const showKeys = hasNamedKeys(dashboard.keyTotals);
  const quotaLines = dashboard.quota && (dashboard.quota.primary || dashboard.quota.secondary) ? 2 : 1;
  const statusLines = 2 + 2 + quotaLines + (filtered ? 1 : 0);
  const down = connection.state === "down" && dashboard.running.length === 0 ? connection : null;
  const plan = planDashboardRows(height - statusLines, {
    running: running.length,
    totals: dashboard.totals.length,
    errors: dashboard.errors.length,
    helpLines: down ? 3 : 0,
    matching: filtered ? matching.length : null,
    keyTotals: showKeys ? dashboard.keyTotals.length : 0,
  });
  return (
    <Box flexDirection="column" width={width}>
      <StatusPanel
        connection={connection}
        serverUrl={serverUrl}
        now={now}
        status={dashboard.status}
        quota={dashboard.quota}
        authEvents={dashboard.authEvents}
        width={width}
      />
      {filtered ? <FilterLine filters={filters} /> : null}
      {down ? (
        <ServerDownHelp connection={down} serverUrl={serverUrl} now={now} />
      ) : (
        <RunningRequests
          running={running}
          total={dashboard.running.length}
          width={width}
          now={now}
          maxRows={plan.running}
        />
      )}
      {filtered ? (
        <MatchingRequests
          matching={matching}
          total={dashboard.finished.length}
          width={width}
          maxRows={plan.matching}
        />
      ) : null}
      <ModelTotalsTable totals={dashboard.totals} width={width} maxRows={plan.totals} />
      {showKeys ? (
        <KeyTotalsTable totals={dashboard.keyTotals} width={width} maxRows={plan.keyTotals} />
      ) : null}
      <ErrorFeed errors={dashboard.errors} maxRows={plan.errors} scroll={errorScroll} />
    </Box>
  );
}
