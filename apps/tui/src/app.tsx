import { Box, useApp, useInput, useStdin } from "ink";
import { useEffect, useMemo, useState } from "react";
import type { ServerClient } from "./api/server-client.js";
import { DashboardScreen } from "./components/dashboard-screen.js";
import { Footer, type KeyHint } from "./components/footer.js";
import { Header, type Screen } from "./components/header.js";
import { LoginScreen } from "./components/login-screen.js";
import { ModelsScreen } from "./components/models-screen.js";
import { FinishedRequests } from "./components/request-table.js";
import { minimumSize, TooSmall } from "./components/too-small.js";
import { type LoginView, useLogin } from "./hooks/use-login.js";
import { useModels } from "./hooks/use-models.js";
import { useNow } from "./hooks/use-now.js";
import { useServerConnection } from "./hooks/use-server-connection.js";
import { type TerminalSize, useTerminalSize } from "./hooks/use-terminal-size.js";
import type { LoginDriver } from "./login/login-driver.js";
import { createTheme, ThemeContext } from "./theme.js";

/** Props of `App`. */
export interface AppProps {
  client: ServerClient;
  loginDriver: LoginDriver;
  authPath: string;
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
}

const globalHints: KeyHint[] = [
  { key: "d", label: "dashboard" },
  { key: "m", label: "models" },
  { key: "l", label: "login" },
  { key: "r", label: "refresh" },
  { key: "↑↓", label: "scroll" },
  { key: "q", label: "quit" },
];

function footerHints(screen: Screen, phase: LoginView["phase"], loggedIn: boolean): KeyHint[] {
  if (screen !== "login") return globalHints;
  const jump = globalHints.filter((h) => h.key === "d" || h.key === "m" || h.key === "q");
  switch (phase) {
    case "working":
      return [{ key: "esc", label: "cancel" }, ...jump];
    case "success":
    case "error":
      return [{ key: "enter", label: "back" }, ...jump];
    case "confirm_logout":
      return [
        { key: "y", label: "log out" },
        { key: "n", label: "keep the login" },
      ];
    case "logging_out":
      return jump;
    default:
      return [
        { key: "↑↓ enter", label: "log in" },
        { key: "1-4", label: "pick" },
        ...(loggedIn ? [{ key: "x", label: "log out" }] : []),
        ...globalHints.filter((h) => h.key !== "↑↓" && h.key !== "l"),
      ];
  }
}

/** The dashboard application: header, the current screen, the footer, and finished requests above. */
export function App({
  client,
  loginDriver,
  authPath,
  codexHome,
  noColor = false,
  ssh = false,
  initialScreen = "dashboard",
  now: clock = Date.now,
  tickMs = 1000,
  size,
  backoffMs,
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
  const connectionOptions = useMemo(() => ({ now: clock, backoffMs }), [clock, backoffMs]);
  const { dashboard, connection, refresh } = useServerConnection(client, connectionOptions);
  const { models, reload } = useModels(client, screen === "models");
  const loginContext = useMemo(() => ({ codexHome }), [codexHome]);
  const login = useLogin(loginDriver, loginContext);

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
    screen === "login" && login.view.phase === "working" && login.view.prompt?.kind === "paste_url";
  const confirming = screen === "login" && login.view.phase === "confirm_logout";

  useInput(
    (input, key) => {
      if (confirming && input !== "q") {
        return;
      } else if (input === "q") {
        exit();
      } else if (input === "d") {
        setScreen("dashboard");
      } else if (input === "m") {
        setScreen("models");
      } else if (input === "l") {
        setScreen("login");
      } else if (input === "r") {
        refresh();
        if (screen === "models") reload();
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
  const hints = footerHints(screen, login.view.phase, Boolean(login.current));

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
        authPath={authPath}
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
