import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../theme.js";

/** Props of `Notice`. */
export interface NoticeProps {
  /** Theme colour of the headline: `ok` for a success, `danger` for a failure. */
  tone: "ok" | "warn" | "danger";
  /** The headline, one truncated line. */
  title: string;
  bold?: boolean;
  /** The lines under the headline (what happened next, what to do). */
  children?: ReactNode;
}

/** A coloured one-line headline with plain lines under it: how the screens report an outcome. */
export function Notice({ tone, title, bold, children }: NoticeProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text color={theme[tone]} bold={bold} wrap="truncate-end">
        {title}
      </Text>
      {children}
    </Box>
  );
}
