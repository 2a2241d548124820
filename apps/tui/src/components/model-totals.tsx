import { Box, Text } from "ink";
import { formatTokens, truncate } from "../format.js";
import type { ModelTotals } from "../state/dashboard-state.js";
import { useTheme } from "../theme.js";

/** Props of `ModelTotalsTable`. */
export interface ModelTotalsTableProps {
  totals: ModelTotals[];
  width: number;
  /** Most lines below the column header, including the "… more" line. */
  maxRows: number;
}

/** Requests and tokens per model over this session, busiest model first. */
export function ModelTotalsTable({ totals, width, maxRows }: ModelTotalsTableProps) {
  const theme = useTheme();
  const sorted = [...totals].sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model));
  const limit = Math.max(1, maxRows);
  const shown = sorted.length > limit ? sorted.slice(0, Math.max(1, limit - 1)) : sorted;
  const modelWidth = Math.max(10, Math.min(28, width - 56));
  const line = (cells: string[]) =>
    [
      truncate(cells[0] ?? "", modelWidth).padEnd(modelWidth),
      ...cells.slice(1).map((c) => c.padStart(8)),
    ].join(" ");
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent}>
        Totals this session
      </Text>
      {totals.length === 0 ? (
        <Text color={theme.muted}>no finished requests yet</Text>
      ) : (
        <>
          <Text color={theme.muted} wrap="truncate-end">
            {line(["MODEL", "REQS", "ERRORS", "IN", "CACHED", "OUT", "REASON"])}
          </Text>
          {shown.map((t) => (
            <Text key={t.model} wrap="truncate-end">
              {line([
                t.model,
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
            <Text color={theme.muted}>{`… ${sorted.length - shown.length} more models`}</Text>
          ) : null}
        </>
      )}
    </Box>
  );
}
