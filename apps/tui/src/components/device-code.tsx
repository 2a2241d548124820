import { Box, Text } from "ink";
import { formatRelative } from "../format.js";
import { useTheme } from "../theme.js";

/** Props of `DeviceCode`. */
export interface DeviceCodeProps {
  userCode: string;
  verificationUrl: string;
  expiresAt: Date | null;
  now: number;
}

/** The device-code step: where to go and the code to type, large and spaced so it reads at a glance. */
export function DeviceCode({ userCode, verificationUrl, expiresAt, now }: DeviceCodeProps) {
  const theme = useTheme();
  const spaced = [...userCode].join(" ");
  return (
    <Box flexDirection="column">
      <Text>On any device (phone, laptop), open:</Text>
      <Text bold color={theme.accent}>{`  ${verificationUrl}`}</Text>
      <Text>and enter this code:</Text>
      <Box borderStyle="double" borderColor={theme.accent} paddingX={3} alignSelf="flex-start">
        <Text bold>{spaced}</Text>
      </Box>
      {expiresAt ? (
        <Text color={expiresAt.getTime() - now < 60_000 ? theme.warn : theme.muted}>
          {expiresAt.getTime() > now
            ? `The code expires ${formatRelative(expiresAt, now)}.`
            : "The code has expired."}
        </Text>
      ) : null}
    </Box>
  );
}
