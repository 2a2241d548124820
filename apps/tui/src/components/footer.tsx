import { Box, Text } from "ink";
import { Fragment } from "react";
import { useTheme } from "../theme.js";

/** One key hint: the key and what it does. */
export interface KeyHint {
  key: string;
  label: string;
}

/** Props of `Footer`. */
export interface FooterProps {
  hints: KeyHint[];
  width: number;
  /** Shown instead of the hints when the terminal gives no keyboard input. */
  inputUnavailable?: boolean;
}

/** The one-key actions of the current screen. */
export function Footer({ hints, width, inputUnavailable = false }: FooterProps) {
  const theme = useTheme();
  if (inputUnavailable) {
    return (
      <Box width={width}>
        <Text color={theme.warn} wrap="truncate-end">
          Keyboard input is unavailable (stdin is not a terminal): watching only. Ctrl-C quits.
        </Text>
      </Box>
    );
  }
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {hints.map((hint, index) => (
          <Fragment key={hint.key}>
            {index > 0 ? <Text color={theme.muted}> · </Text> : null}
            <Text bold color={theme.accent}>
              {hint.key}
            </Text>
            <Text color={theme.muted}>{` ${hint.label}`}</Text>
          </Fragment>
        ))}
      </Text>
    </Box>
  );
}
