import { Box, Text } from "ink";
import { formatRelative } from "../format.js";
import type { Connection } from "../hooks/use-server-connection.js";
import { useTheme } from "../theme.js";
import { Notice } from "./notice.js";

/** Props of `ServerDownHelp`. */
export interface ServerDownHelpProps {
  connection: Extract<Connection, { state: "down" }>;
  serverUrl: string;
  now: number;
}

/** What to do when the server does not answer: how to start one, and when the next retry is. */
export function ServerDownHelp({ connection, serverUrl, now }: ServerDownHelpProps) {
  const theme = useTheme();
  if (connection.code === "unauthorized") {
    return (
      <Notice tone="danger" title={`The server refused the dashboard: ${connection.message}.`}>
        <Text wrap="truncate-end">
          Set CMP_API_KEY to one of the server's CMP_API_KEYS, then start the dashboard again.
        </Text>
        <Text
          color={theme.muted}
          wrap="truncate-end"
        >{`Retrying ${formatRelative(connection.retryAt, now)} · r retries now`}</Text>
      </Notice>
    );
  }
  return (
    <Box flexDirection="column">
      <Text color={theme.danger} wrap="truncate-end">
        {connection.code === "unreachable"
          ? `No server answers at ${serverUrl}.`
          : `Server at ${serverUrl}: ${connection.message}.`}
      </Text>
      <Text wrap="truncate-end">
        Start it in another terminal with <Text bold>pnpm start</Text>, or set CMP_SERVER_URL to where it
        runs.
      </Text>
      <Text color={theme.muted} wrap="truncate-end">
        {`Retrying ${formatRelative(connection.retryAt, now)} (attempt ${connection.attempt}) · r retries now · l logs in without a server`}
      </Text>
    </Box>
  );
}
