import type {
  AccountState,
  AccountStatus,
  QuotaStatus,
  QuotaStatusWindow,
  ServerStatus,
} from "@cmp/protocol";
import { Box, Text } from "ink";
import { formatClock, formatRelative, formatWindow, truncate } from "../format.js";
import { accountsView, type ShownAccount } from "../state/accounts-view.js";
import { type Theme, useTheme } from "../theme.js";
import { QuotaBar } from "./quota-bars.js";

/** Props of `AccountsScreen`. */
export interface AccountsScreenProps {
  status: ServerStatus | null;
  /** The pool (`DashboardState.accounts`), `null` for a server without one. */
  accounts: AccountStatus[] | null;
  quota: QuotaStatus | null;
  now: number;
  width: number;
  /** Most lines this screen may use. */
  height: number;
  /** Index of the first account shown (`↑`/`↓`). */
  scroll: number;
}

const stateLabels: Record<AccountState, string> = {
  active: "● active",
  cooling_down: "◐ cooling down",
  needs_login: "✗ needs login",
  disabled: "○ disabled",
};

function stateColor(theme: Theme, state: AccountState): string | undefined {
  switch (state) {
    case "active":
      return theme.ok;
    case "cooling_down":
      return theme.warn;
    case "needs_login":
      return theme.danger;
    case "disabled":
      return theme.muted;
  }
}

/** The line under an account that says what is wrong and what happens next; `null` when nothing is. */
function detailOf(
  account: ShownAccount,
  now: number,
): { text: string; tone: "warn" | "danger" | "muted" } | null {
  const why = account.last_error;
  switch (account.state) {
    case "cooling_down": {
      const until = account.cooldown_until === null ? null : new Date(account.cooldown_until);
      const when =
        until === null
          ? "back when the limit resets"
          : until.getTime() > now
            ? `back ${formatRelative(until, now)} (${formatClock(until)})`
            : "cooldown over: tried again on the next request";
      return { text: [when, why].filter(Boolean).join(" · "), tone: "warn" };
    }
    case "needs_login":
      return {
        text: [
          why,
          `log in again: cmp-server login --account ${account.name}, or l here with name ${account.name}`,
        ]
          .filter(Boolean)
          .join(" · "),
        tone: "danger",
      };
    case "disabled":
      return {
        text: [why, `turned off: cmp-server accounts enable ${account.name}`].filter(Boolean).join(" · "),
        tone: "muted",
      };
    case "active":
      return why ? { text: `last error: ${why}`, tone: "muted" } : null;
  }
}

/** Lines one account takes: its row, the detail line when there is one, and the quota bars. */
function linesOf(account: ShownAccount, now: number): number {
  const bars = account.primary || account.secondary ? 2 : 1;
  return 1 + (detailOf(account, now) ? 1 : 0) + bars;
}

function Windows({ account, now, width }: { account: ShownAccount; now: number; width: number }) {
  const theme = useTheme();
  if (!account.primary && !account.secondary) {
    return (
      <Text color={theme.muted} wrap="truncate-end">
        {`  ${"quota".padEnd(8)}not seen yet: it appears after a request this account serves`}
      </Text>
    );
  }
  const windows: [string, string, QuotaStatusWindow | null][] = [
    ["primary", formatWindow(account.primary?.window_minutes ?? null) ?? "5h", account.primary],
    ["secondary", formatWindow(account.secondary?.window_minutes ?? null) ?? "weekly", account.secondary],
  ];
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {windows.map(([key, label, window]) =>
        window ? (
          <QuotaBar key={key} label={label} window={window} now={now} width={width - 2} />
        ) : (
          <Text key={key} color={theme.muted}>{`${label.padEnd(8)}not reported`}</Text>
        ),
      )}
    </Box>
  );
}

/** One account: name, email and plan, coloured state, requests served, what is wrong, and its quota bars. */
function AccountBlock({ account, now, width }: { account: ShownAccount; now: number; width: number }) {
  const theme = useTheme();
  const nameWidth = 14;
  const stateWidth = 15;
  const requestsWidth = 9;
  const whoWidth = Math.max(10, Math.min(44, width - nameWidth - stateWidth - requestsWidth - 4));
  const who = [account.email ?? "email unknown", account.plan].filter(Boolean).join(" · ");
  const detail = detailOf(account, now);
  const requests = account.requests === null ? "—" : String(account.requests);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{truncate(account.name, nameWidth).padEnd(nameWidth)}</Text>
        {` ${truncate(who, whoWidth).padEnd(whoWidth)} `}
        <Text color={stateColor(theme, account.state)} bold={account.state !== "active"}>
          {stateLabels[account.state].padEnd(stateWidth)}
        </Text>
        {requests.padStart(requestsWidth)}
      </Text>
      {detail ? <Text color={theme[detail.tone]} wrap="truncate-end">{`  ${detail.text}`}</Text> : null}
      <Windows account={account} now={now} width={width} />
    </Box>
  );
}

function summary(accounts: ShownAccount[]): string {
  const order: AccountState[] = ["active", "cooling_down", "needs_login", "disabled"];
  return order
    .map((state) => [state, accounts.filter((a) => a.state === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${stateLabels[state].slice(2)}`)
    .join(" · ");
}

/**
 * The accounts of the server's pool, each with its state, cooldown countdown, last error, requests and
 * quota bars. A server without a pool shows its one login the same way.
 */
export function AccountsScreen({ status, accounts, quota, now, width, height, scroll }: AccountsScreenProps) {
  const theme = useTheme();
  const view = accountsView(status, accounts, quota);
  if (view === null) {
    return <Text color={theme.muted}>Accounts are unknown until the server answers.</Text>;
  }
  if (view.accounts.length === 0) {
    return (
      <Box flexDirection="column">
        <Text bold color={theme.accent}>
          Accounts (0)
        </Text>
        <Text color={theme.warn}>No account is logged in: press l to log in.</Text>
      </Box>
    );
  }
  const list = view.accounts;
  const first = Math.max(0, Math.min(scroll, list.length - 1));
  // Title, column header, the "more above" line when scrolled, and one line for "more below".
  let budget = Math.max(3, height - 3 - (first > 0 ? 1 : 0));
  const shown: ShownAccount[] = [];
  for (const account of list.slice(first)) {
    const lines = linesOf(account, now);
    if (shown.length > 0 && lines > budget) break;
    shown.push(account);
    budget -= lines;
  }
  const below = list.length - first - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>{`Accounts (${list.length})`}</Text>
        <Text color={theme.muted}>
          {view.pool ? `  ${summary(list)}` : "  this server has no account pool: it serves one login"}
        </Text>
      </Text>
      <Text color={theme.muted} wrap="truncate-end">
        {`${"NAME".padEnd(14)} ${"EMAIL · PLAN".padEnd(Math.max(10, Math.min(44, width - 14 - 15 - 9 - 4)))} ${"STATE".padEnd(15)}${"REQUESTS".padStart(9)}`}
      </Text>
      {first > 0 ? <Text color={theme.muted}>{`↑ ${first} more above`}</Text> : null}
      {shown.map((account) => (
        <AccountBlock key={account.name} account={account} now={now} width={width} />
      ))}
      {below > 0 ? <Text color={theme.muted}>{`↓ ${below} more below`}</Text> : null}
    </Box>
  );
}
