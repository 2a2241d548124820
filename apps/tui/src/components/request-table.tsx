import type { RequestRecord } from "@cmp/protocol";
import { Box, Static, Text } from "ink";
import { memo, useMemo } from "react";
import { useTheme } from "../theme.js";
import { fitRequestColumns, formatRequestLine, type RequestColumn } from "./request-columns.js";

/** Props of `RequestRow`. */
export interface RequestRowProps {
  record: RequestRecord;
  columns: RequestColumn[];
  /** Only used for the elapsed time of running rows; pass 0 for finished ones so they never re-render. */
  now: number;
}

/** One request, coloured by outcome. Memoised: a row re-renders only when its record changes. */
export const RequestRow = memo(function RequestRow({ record, columns, now }: RequestRowProps) {
  const theme = useTheme();
  const color =
    record.state === "error" ? theme.danger : record.state === "running" ? theme.accent : undefined;
  return (
    <Text color={color} wrap="truncate-end">
      {formatRequestLine(columns, record, now)}
    </Text>
  );
});

/** Props of `RunningRequests`. */
export interface RunningRequestsProps {
  running: RequestRecord[];
  width: number;
  now: number;
  /** Most lines below the column header, including the "… more" line. */
  maxRows: number;
  /** All requests in flight when `running` is filtered (the title then says "n of total"). */
  total?: number;
}

/** The live part of the request table: requests still in flight. */
export function RunningRequests({ running, width, now, maxRows, total }: RunningRequestsProps) {
  const theme = useTheme();
  const columns = useMemo(() => fitRequestColumns(width), [width]);
  const limit = Math.max(1, maxRows);
  const shown = running.length > limit ? running.slice(-Math.max(1, limit - 1)) : running;
  const hidden = running.length - shown.length;
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent}>
        {total === undefined || total === running.length
          ? `In flight (${running.length})`
          : `In flight (${running.length} of ${total})`}
      </Text>
      {running.length === 0 ? (
        <Text color={theme.muted}>no requests running</Text>
      ) : (
        <>
          <Text color={theme.muted} wrap="truncate-end">
            {formatRequestLine(columns, null, now)}
          </Text>
          {hidden > 0 ? <Text color={theme.muted}>{`… ${hidden} more started earlier`}</Text> : null}
          {shown.map((record) => (
            <RequestRow key={record.id} record={record} columns={columns} now={now} />
          ))}
        </>
      )}
    </Box>
  );
}

/** Props of `MatchingRequests`. */
export interface MatchingRequestsProps {
  /** Finished requests that pass the filters, oldest first. */
  matching: RequestRecord[];
  /** How many finished requests there are in all. */
  total: number;
  width: number;
  /** Most lines below the column header, including the "… more" line. */
  maxRows: number;
}

/**
 * The newest finished requests that pass the filters. The log above (`FinishedRequests`) is written
 * once and stays complete; this table is the filtered view of it, redrawn when a filter changes.
 */
export function MatchingRequests({ matching, total, width, maxRows }: MatchingRequestsProps) {
  const theme = useTheme();
  const columns = useMemo(() => fitRequestColumns(width), [width]);
  const limit = Math.max(1, maxRows);
  const shown = matching.length > limit ? matching.slice(-Math.max(1, limit - 1)) : matching;
  const hidden = matching.length - shown.length;
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent}>
        {`Matching requests (${matching.length} of ${total} finished)`}
      </Text>
      {matching.length === 0 ? (
        <Text color={theme.muted}>none match the filters</Text>
      ) : (
        <>
          <Text color={theme.muted} wrap="truncate-end">
            {formatRequestLine(columns, null, 0)}
          </Text>
          {hidden > 0 ? <Text color={theme.muted}>{`… ${hidden} earlier`}</Text> : null}
          {shown.map((record) => (
            <RequestRow key={record.id} record={record} columns={columns} now={0} />
          ))}
        </>
      )}
    </Box>
  );
}

/** Props of `FinishedRequests`. */
export interface FinishedRequestsProps {
  finished: RequestRecord[];
  width: number;
}

/**
 * Finished requests, written once above the live screen with `<Static>` so a new row never redraws the
 * ones before it. `finished` must only grow.
 */
export function FinishedRequests({ finished, width }: FinishedRequestsProps) {
  const theme = useTheme();
  const columns = useMemo(() => fitRequestColumns(width), [width]);
  return (
    <Static items={finished}>
      {(record, index) =>
        index === 0 ? (
          <Box key={record.id} flexDirection="column">
            <Text bold color={theme.accent}>
              Finished requests
            </Text>
            <Text color={theme.muted} wrap="truncate-end">
              {formatRequestLine(columns, null, 0)}
            </Text>
            <RequestRow record={record} columns={columns} now={0} />
          </Box>
        ) : (
          <RequestRow key={record.id} record={record} columns={columns} now={0} />
        )
      }
    </Static>
  );
}
