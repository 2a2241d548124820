import { Box, Text } from "ink";
import { formatClock } from "../format.js";
import type { FeedError } from "../state/dashboard-state.js";
import { useTheme } from "../theme.js";

/** Props of `ErrorFeed`. */
export interface ErrorFeedProps {
  errors: FeedError[];
  maxRows: number;
  /** How many lines scrolled back from the newest (↑/↓). */
  scroll: number;
}

/** The most recent failures, newest last; scrolls back with the arrow keys. */
export function ErrorFeed({ errors, maxRows, scroll }: ErrorFeedProps) {
  const theme = useTheme();
  const rows = Math.max(1, maxRows);
  const offset = Math.min(scroll, Math.max(0, errors.length - rows));
  const end = errors.length - offset;
  const shown = errors.slice(Math.max(0, end - rows), end);
  return (
    <Box flexDirection="column">
      <Text bold color={errors.length > 0 ? theme.danger : theme.accent}>
        {`Errors (${errors.length})${offset > 0 ? ` · ↑ ${offset} back` : ""}`}
      </Text>
      {errors.length === 0 ? <Text color={theme.muted}>none</Text> : null}
      {shown.map((e) => (
        <Text key={e.id} wrap="truncate-end">
          <Text color={theme.muted}>{formatClock(e.at)} </Text>
          <Text color={theme.danger}>{e.message}</Text>
        </Text>
      ))}
    </Box>
  );
}
