import type { AuthEvent, QuotaStatus, ServerStatus } from "@cmp/protocol";
import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import { formatClock, formatRelative } from "../format.js";
import type { Connection } from "../hooks/use-server-connection.js";
import { useTheme } from "../theme.js";
import { QuotaBars } from "./quota-bars.js";

/** Props of `ServerLine`. */
export interface ServerLineProps {
  connection: Connection;
  serverUrl: string;
  now: number;
}

/** Server state and address: connecting, live, or down with the next retry. */
export function ServerLine({ connection, serverUrl, now }: ServerLineProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {"Server".padEnd(8)}
      {connection.state === "connecting" ? (
        <Text color={theme.muted}>
          <Spinner type="dots" /> connecting
        </Text>
      ) : connection.state === "live" ? (
        <Text color={theme.ok}>● live</Text>
      ) : (
        <Text color={theme.danger}>✗ {connection.code === "unauthorized" ? "key refused" : "down"}</Text>
      )}
      <Text>{`  ${serverUrl}`}</Text>
      {connection.state === "down" ? (
        <Text color={theme.muted}>{`  retry ${formatRelative(connection.retryAt, now)}`}</Text>
      ) : null}
    </Text>
  );
}

/** Props of `LoginLine`. */
export interface LoginLineProps {
  status: ServerStatus | null;
  authEvents: AuthEvent[];
  now: number;
}

function lastAuthNote(events: AuthEvent[]): { text: string; bad: boolean } | null {
  const last = events.at(-1);
  if (!last) return null;
  const at = formatClock(new Date(last.at));
  if (last.type === "refreshed") return { text: `refreshed ${at}`, bad: false };
  if (last.type === "refresh_failed") return { text: `refresh failed ${at}`, bad: true };
  return { text: `logged out ${at}`, bad: true };
}

/** Login state as the server sees it, with a countdown to token expiry and the last refresh event. */
export function LoginLine({ status, authEvents, now }: LoginLineProps) {
  const theme = useTheme();
  const note = lastAuthNote(authEvents);
  if (status === null) {
    return (
      <Text wrap="truncate-end">
        {"Login".padEnd(8)}
        <Text color={theme.muted}>unknown until the server answers</Text>
      </Text>
    );
  }
  if (!status.logged_in && status.login_error) {
    // The saved login exists but cannot be read: "not logged in" would hide why.
    return (
      <Text wrap="truncate-end">
        {"Login".padEnd(8)}
        <Text color={theme.danger}>✗ saved login unreadable</Text>
        <Text color={theme.muted}>{` · ${status.login_error} · press l to log in again`}</Text>
      </Text>
    );
  }
  if (!status.logged_in) {
    return (
      <Text wrap="truncate-end">
        {"Login".padEnd(8)}
        <Text color={theme.danger}>✗ not logged in</Text>
        <Text color={theme.muted}> · press l to log in</Text>
      </Text>
    );
  }
  const expiresAt = status.token?.expires_at ? new Date(status.token.expires_at) : null;
  const remaining = expiresAt ? expiresAt.getTime() - now : null;
  const who = [status.account?.email ?? "unknown account", status.account?.plan].filter(Boolean).join(" · ");
  return (
    <Text wrap="truncate-end">
      {"Login".padEnd(8)}
      <Text color={theme.ok}>✓ </Text>
      {who}
      {expiresAt && remaining !== null ? (
        <Text color={remaining <= 0 ? theme.danger : remaining < 5 * 60_000 ? theme.warn : theme.muted}>
          {remaining <= 0
            ? ` · token expired ${formatRelative(expiresAt, now)}, refreshes on next request`
            : ` · token expires ${formatRelative(expiresAt, now)} (${formatClock(expiresAt)})`}
        </Text>
      ) : null}
      {note ? <Text color={note.bad ? theme.danger : theme.ok}>{` · ${note.text}`}</Text> : null}
    </Text>
  );
}

/** Props of `StatusPanel`. */
export interface StatusPanelProps extends ServerLineProps {
  status: ServerStatus | null;
  quota: QuotaStatus | null;
  authEvents: AuthEvent[];
  width: number;
}

/** The boxed top of the dashboard: server, login, and the two quota bars. */
export function StatusPanel({
  connection,
  serverUrl,
  now,
  status,
  quota,
  authEvents,
  width,
}: StatusPanelProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.border} paddingX={1} width={width}>
      <ServerLine connection={connection} serverUrl={serverUrl} now={now} />
      <LoginLine status={status} authEvents={authEvents} now={now} />
      <QuotaBars quota={quota} now={now} width={width - 4} />
    </Box>
  );
}
