import { Box, Text } from "ink";
import { formatTokens, truncate } from "../format.js";
import { useTheme } from "../theme.js";

/** One row of a totals table: a name and its request and token counts. */
export interface TotalsRow {
  name: string;
  requests: number;
  errors: number;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** Props of `TotalsTable`. */
export interface TotalsTableProps {
  title: string;
  /** Heading of the name column (`MODEL`, `KEY`). */
  column: string;
  /** What the rows are, for the "… N more" line (`models`, `keys`). */
  noun: string;
  rows: TotalsRow[];
  width: number;
  /** Most lines below the column header, including the "… more" line. */
  maxRows: number;
}

/** Requests and tokens per name over this session, busiest first (the per-model and per-key totals). */
export function TotalsTable({ title, column, noun, rows, width, maxRows }: TotalsTableProps) {
  const theme = useTheme();
  const sorted = [...rows].sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
  const limit = Math.max(1, maxRows);
  const shown = sorted.length > limit ? sorted.slice(0, Math.max(1, limit - 1)) : sorted;
  const nameWidth = Math.max(10, Math.min(28, width - 56));
  const line = (cells: string[]) =>
    [truncate(cells[0] ?? "", nameWidth).padEnd(nameWidth), ...cells.slice(1).map((c) => c.padStart(8))].join(
      " ",
    );
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent}>
        {title}
      </Text>
      {rows.length === 0 ? (
        <Text color={theme.muted}>no finished requests yet</Text>
      ) : (
        <>
          <Text color={theme.muted} wrap="truncate-end">
            {line([column, "REQS", "ERRORS", "IN", "CACHED", "OUT", "REASON"])}
          </Text>
          {shown.map((t) => (
            <Text key={t.name} wrap="truncate-end">
              {line([
                t.name,
                String(t.requests),
                String(t.errors),
                formatTokens(t.input),
                formatTokens(t.cached),
                formatTokens(t.output),
                formatTokens(t.reasoning),
              ])}
            </Text>
          ))}
          {sorted.length > shown.length ? (
            <Text color={theme.muted}>{`… ${sorted.length - shown.length} more ${noun}`}</Text>
          ) : null}
        </>
      )}
    </Box>
  );
}
