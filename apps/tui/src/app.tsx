import { Box, useApp, useInput, useStdin } from "ink";
import { useEffect, useMemo, useState } from "react";
import type { ServerClient } from "./api/server-client.js";
import { AccountsScreen } from "./components/accounts-screen.js";
import { DashboardScreen } from "./components/dashboard-screen.js";
import { Footer, type KeyHint } from "./components/footer.js";
import { Header, type Screen } from "./components/header.js";
import { KeysScreen } from "./components/keys-screen.js";
import { LoginScreen } from "./components/login-screen.js";
import { ModelsScreen } from "./components/models-screen.js";
import { FinishedRequests } from "./components/request-table.js";
import { minimumSize, TooSmall } from "./components/too-small.js";
import { type KeysView, useKeys } from "./hooks/use-keys.js";
import { type LoginView, useLogin } from "./hooks/use-login.js";
import { useModels } from "./hooks/use-models.js";
import { useNow } from "./hooks/use-now.js";
import { useServerConnection } from "./hooks/use-server-connection.js";
import { type TerminalSize, useTerminalSize } from "./hooks/use-terminal-size.js";
import type { LoginDriver } from "./login/login-driver.js";
import { accountsView } from "./state/accounts-view.js";
import {
  cycleFilter,
  FILTER_FIELDS,
  hasFilters,
  noFilters,
  type RequestFilters,
} from "./state/request-filters.js";
import { createTheme, ThemeContext } from "./theme.js";

/** Props of `App`. */
export interface AppProps {
  client: ServerClient;
  loginDriver: LoginDriver;
  codexHome: string;
  noColor?: boolean;
  ssh?: boolean;
  initialScreen?: Screen;
  /** How often countdowns re-render; 0 turns the ticking off (tests). */
  tickMs?: number;
  /** Overrides the measured terminal size (tests). */
  size?: TerminalSize;
  /** Overrides the reconnect backoff (tests). */
  backoffMs?: (attempt: number) => number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
  /** How often `/v1/status` is re-read while the accounts screen shows; default 5 s. */
  accountsPollMs?: number;
}

const globalHints: KeyHint[] = [
  { key: "d", label: "dashboard" },
  { key: "a", label: "accounts" },
  { key: "k", label: "keys" },
  { key: "m", label: "models" },
  { key: "l", label: "login" },
  { key: "r", label: "refresh" },
  { key: "↑↓", label: "scroll" },
  { key: "q", label: "quit" },
];

const jumpHints = globalHints.filter((h) => ["d", "a", "k", "m", "q"].includes(h.key));

function loginHints(phase: LoginView["phase"], loggedIn: boolean): KeyHint[] {
  switch (phase) {
    case "working":
      return [{ key: "esc", label: "cancel" }, ...jumpHints];
    case "success":
    case "error":
      return [{ key: "enter", label: "back" }, ...jumpHints];
    case "naming":
      return [
        { key: "enter", label: "use this name" },
        { key: "esc", label: "cancel" },
      ];
    case "confirm_logout":
      return [
        { key: "y", label: "log out" },
        { key: "n", label: "keep the login" },
      ];
    case "logging_out":
      return jumpHints;
    default:
      return [
        { key: "↑↓ enter", label: "log in" },
        { key: "1-4", label: "pick" },
        { key: "n", label: "account name" },
        ...(loggedIn ? [{ key: "x", label: "log out" }] : []),
        ...globalHints.filter((h) => h.key !== "↑↓" && h.key !== "l"),
      ];
  }
}

function keysHints(view: KeysView, manageable: boolean): KeyHint[] {
  switch (view.phase) {
    case "form":
      return [
        { key: "tab ↑↓", label: "field" },
        { key: "space ←→", label: "change" },
        { key: "enter", label: "create" },
        { key: "esc", label: "cancel" },
      ];
    case "created":
      return [{ key: "enter", label: "I copied it (it is not shown again)" }];
    case "confirm_revoke":
      return [
        { key: "y", label: "revoke" },
        { key: "n", label: "keep the key" },
      ];
    case "revoking":
      return jumpHints;
    default:
      return [
        ...(manageable
          ? [
              { key: "↑↓", label: "select" },
              { key: "n", label: "new key" },
              { key: "x", label: "revoke" },
            ]
          : []),
        ...globalHints.filter((h) => h.key !== "↑↓" && h.key !== "k"),
      ];
  }
}

function footerHints(
  screen: Screen,
  login: { phase: LoginView["phase"]; loggedIn: boolean },
  keys: { view: KeysView; manageable: boolean },
  filtered: boolean,
): KeyHint[] {
  switch (screen) {
    case "login":
      return loginHints(login.phase, login.loggedIn);
    case "keys":
      return keysHints(keys.view, keys.manageable);
    case "dashboard": {
      const filter = [{ key: "1-4", label: "filter" }, ...(filtered ? [{ key: "0", label: "clear" }] : [])];
      return [...globalHints.slice(0, -1), ...filter, ...globalHints.slice(-1)];
    }
    default:
      return globalHints;
  }
}

/** The dashboard application: header, the current screen, the footer, and finished requests above. */
export function App({
  client,
  loginDriver,
  codexHome,
  noColor = false,
  ssh = false,
  initialScreen = "dashboard",
  now: clock = Date.now,
  tickMs = 1000,
  size,
  backoffMs,
  accountsPollMs = 5000,
}: AppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const measured = useTerminalSize();
  const terminal = size ?? measured;
  const { columns, rows } = terminal;
  const theme = useMemo(() => createTheme({ color: !noColor }), [noColor]);
  const now = useNow(clock, tickMs);
  const [screen, setScreen] = useState<Screen>(initialScreen);
  const [errorScroll, setErrorScroll] = useState(0);
  const [modelScroll, setModelScroll] = useState(0);
  const [accountScroll, setAccountScroll] = useState(0);
  const [filters, setFilters] = useState<RequestFilters>(noFilters);
  const connectionOptions = useMemo(() => ({ now: clock, backoffMs }), [clock, backoffMs]);
  const { dashboard, connection, refresh } = useServerConnection(client, connectionOptions);
  const { models, reload } = useModels(client, screen === "models");
  const loginContext = useMemo(() => ({ codexHome }), [codexHome]);
  const login = useLogin(loginDriver, loginContext);
  const keys = useKeys(client, screen === "keys");

  // Cooldowns and quota move while the accounts screen is open: re-read the status often there (only
  // while connected, so a server that is down keeps its backoff).
  const live = connection.state === "live";
  useEffect(() => {
    if (screen !== "accounts" || !live || accountsPollMs <= 0) return;
    refresh();
    const timer = setInterval(refresh, accountsPollMs);
    return () => clearInterval(timer);
  }, [screen, live, refresh, accountsPollMs]);

  // A new login or a logout changes what the server reports: re-read its status now, and once more
  // after the server's token manager has noticed the new auth.json (it checks about once a second).
  const loginPhase = login.view.phase;
  useEffect(() => {
    if (loginPhase !== "success" && loginPhase !== "logged_out") return;
    refresh();
    const timers = [1500, 4000].map((ms) => setTimeout(refresh, ms));
    return () => {
      for (const timer of timers) clearTimeout(timer);
    };
  }, [loginPhase, refresh]);

  const inputEnabled = isRawModeSupported === true;
  const typing =
    (screen === "login" &&
      ((login.view.phase === "working" && login.view.prompt?.kind === "paste_url") ||
        login.view.phase === "naming")) ||
    (screen === "keys" && keys.view.phase === "form");
  const confirming =
    (screen === "login" && login.view.phase === "confirm_logout") ||
    (screen === "keys" && keys.view.phase === "confirm_revoke");
  const accountCount =
    accountsView(dashboard.status, dashboard.accounts, dashboard.quota)?.accounts.length ?? 0;

  useInput(
    (input, key) => {
      if (confirming && input !== "q") {
        return;
      } else if (input === "q") {
        exit();
      } else if (input === "d") {
        setScreen("dashboard");
      } else if (input === "a") {
        setScreen("accounts");
      } else if (input === "k") {
        setScreen("keys");
      } else if (input === "m") {
        setScreen("models");
      } else if (input === "l") {
        setScreen("login");
      } else if (input === "r") {
        refresh();
        if (screen === "models") reload();
        if (screen === "keys") keys.reload();
      } else if (screen === "dashboard" && /^[1-4]$/.test(input)) {
        const field = FILTER_FIELDS[Number(input) - 1] ?? "key";
        const records = [...dashboard.finished, ...dashboard.running];
        const accounts = dashboard.accounts?.map((a) => a.name) ?? [];
        setFilters((current) => cycleFilter(current, field, records, accounts));
      } else if (screen === "dashboard" && input === "0") {
        setFilters(noFilters);
      } else if (key.upArrow && screen === "accounts") {
        setAccountScroll((s) => Math.max(0, s - 1));
      } else if (key.downArrow && screen === "accounts") {
        setAccountScroll((s) => Math.min(s + 1, Math.max(0, accountCount - 1)));
      } else if (key.upArrow && screen === "dashboard") {
        setErrorScroll((s) => Math.min(s + 1, Math.max(0, dashboard.errors.length - 1)));
      } else if (key.downArrow && screen === "dashboard") {
        setErrorScroll((s) => Math.max(0, s - 1));
      } else if (key.upArrow && screen === "models") {
        setModelScroll((s) => Math.max(0, s - 1));
      } else if (key.downArrow && screen === "models") {
        const count = models.state === "ready" ? models.models.length : 0;
        setModelScroll((s) => Math.min(s + 1, Math.max(0, count - 1)));
      }
    },
    { isActive: inputEnabled && !typing },
  );

  const tooSmall = columns < minimumSize.columns || rows < minimumSize.rows;
  const width = columns - 1;
  // Header, footer and one spare line so the live area stays shorter than the terminal. Screens take
  // only the lines they need, so recent finished requests (written above by <Static>) stay in view.
  const bodyHeight = rows - 3;
  const hints = footerHints(
    screen,
    { phase: login.view.phase, loggedIn: Boolean(login.current) },
    { view: keys.view, manageable: keys.load.state === "ready" },
    hasFilters(filters),
  );

  // Exactly one screen shows at a time.
  const body =
    screen === "dashboard" ? (
      <DashboardScreen
        dashboard={dashboard}
        connection={connection}
        serverUrl={client.baseUrl}
        now={now}
        width={width}
        height={bodyHeight}
        errorScroll={errorScroll}
        filters={filters}
      />
    ) : screen === "accounts" ? (
      <AccountsScreen
        status={dashboard.status}
        accounts={dashboard.accounts}
        quota={dashboard.quota}
        now={now}
        width={width}
        height={bodyHeight}
        scroll={accountScroll}
      />
    ) : screen === "keys" ? (
      <KeysScreen
        keys={keys}
        serverUrl={client.baseUrl}
        now={now}
        width={width}
        height={bodyHeight}
        inputActive={inputEnabled}
      />
    ) : screen === "models" ? (
      <ModelsScreen
        models={models}
        serverUrl={client.baseUrl}
        width={width}
        height={bodyHeight}
        scroll={modelScroll}
      />
    ) : (
      <LoginScreen
        login={login}
        authPath={loginDriver.pathOf(login.name)}
        codexHome={codexHome}
        ssh={ssh}
        now={now}
        width={width}
        inputActive={inputEnabled}
      />
    );

  return (
    <ThemeContext.Provider value={theme}>
      <FinishedRequests finished={dashboard.finished} width={Math.max(20, width)} />
      {tooSmall ? (
        <TooSmall size={terminal} />
      ) : (
        <Box flexDirection="column" width={width}>
          <Header screen={screen} width={width} />
          <Box flexDirection="column">{body}</Box>
          <Footer hints={hints} width={width} inputUnavailable={!inputEnabled} />
        </Box>
      )}
    </ThemeContext.Provider>
  );
}
