import { Box, Text } from "ink";
import type { TerminalSize } from "../hooks/use-terminal-size.js";
import { useTheme } from "../theme.js";

/** Smallest terminal the dashboard draws in. */
export const minimumSize = { columns: 60, rows: 15 } as const;

/** Props of `TooSmall`. */
export interface TooSmallProps {
  /** The terminal's measured size, shown so the user sees how far off it is. */
  size: TerminalSize;
}

/** Shown instead of the screens when the terminal is below 60×15. */
export function TooSmall({ size: { columns, rows } }: TooSmallProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text color={theme.warn} wrap="truncate-end">{`Terminal too small (${columns}×${rows}).`}</Text>
      <Text wrap="truncate-end">{`Make it at least ${minimumSize.columns}×${minimumSize.rows}.`}</Text>
      <Text color={theme.muted} wrap="truncate-end">
        q quits
      </Text>
    </Box>
  );
}
