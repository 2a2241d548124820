import { Box } from "ink";
import type { Connection } from "../hooks/use-server-connection.js";
import type { DashboardState } from "../state/dashboard-state.js";
import { ErrorFeed } from "./error-feed.js";
import { ModelTotalsTable } from "./model-totals.js";
import { RunningRequests } from "./request-table.js";
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
}

/**
 * Splits the lines left under the status panel between requests, totals and errors. Each section takes
 * only what it needs, up to a share of the space, so the finished-request log above stays visible.
 */
export function planDashboardRows(
  available: number,
  counts: { running: number; totals: number; errors: number; helpLines: number },
): { running: number; totals: number; errors: number } {
  const share = (part: number, minimum: number) => Math.max(minimum, Math.floor(available * part));
  const runningLines =
    counts.helpLines > 0
      ? counts.helpLines
      : counts.running === 0
        ? 2
        : Math.min(2 + counts.running, share(0.3, 3));
  const totalsLines = counts.totals === 0 ? 2 : Math.min(2 + counts.totals, share(0.2, 3));
  const errorLines = Math.max(
    2,
    Math.min(1 + Math.max(1, counts.errors), share(0.25, 2), available - runningLines - totalsLines),
  );
  return { running: runningLines - 2, totals: totalsLines - 2, errors: errorLines - 1 };
}

/** The monitoring screen: status box, requests in flight, per-model totals and the error feed. */
export function DashboardScreen({
  dashboard,
  connection,
  serverUrl,
  now,
  width,
  height,
  errorScroll,
}: DashboardScreenProps) {
  const quotaLines = dashboard.quota && (dashboard.quota.primary || dashboard.quota.secondary) ? 2 : 1;
  const statusLines = 2 + 2 + quotaLines;
  const down = connection.state === "down" && dashboard.running.length === 0 ? connection : null;
  const plan = planDashboardRows(height - statusLines, {
    running: dashboard.running.length,
    totals: dashboard.totals.length,
    errors: dashboard.errors.length,
    helpLines: down ? 3 : 0,
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
      {down ? (
        <ServerDownHelp connection={down} serverUrl={serverUrl} now={now} />
      ) : (
        <RunningRequests running={dashboard.running} width={width} now={now} maxRows={plan.running} />
      )}
      <ModelTotalsTable totals={dashboard.totals} width={width} maxRows={plan.totals} />
      <ErrorFeed errors={dashboard.errors} maxRows={plan.errors} scroll={errorScroll} />
    </Box>
  );
}
