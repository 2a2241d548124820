import { Box, Text, useInput } from "ink";
import Spinner from "ink-spinner";
import { useRef, useState } from "react";
import { formatClock, formatRelative } from "../format.js";
import type { LoginController } from "../hooks/use-login.js";
import type { LoginInfo, LoginMethod } from "../login/login-driver.js";
import { useTheme } from "../theme.js";
import { DeviceCode } from "./device-code.js";
import { Notice } from "./notice.js";

/** The login methods in menu order, with when to use each. */
export const loginMethods: { method: LoginMethod; label: string; note: string; ssh: boolean }[] = [
  { method: "browser", label: "Browser", note: "opens a browser on this machine", ssh: false },
  { method: "device", label: "Device code", note: "type a code on any device; works over SSH", ssh: true },
  {
    method: "paste",
    label: "Paste redirect URL",
    note: "log in anywhere, paste the URL back; works over SSH",
    ssh: true,
  },
  { method: "import", label: "Import from Codex CLI", note: "reuse the Codex CLI's login", ssh: true },
];

/** Props of `LoginScreen`. */
export interface LoginScreenProps {
  login: LoginController;
  /** The login file of the account name `login.name`. */
  authPath: string;
  codexHome: string;
  /** True when running over SSH: the browser flow cannot reach this machine's callback. */
  ssh: boolean;
  now: number;
  width: number;
  inputActive: boolean;
}

function describe(info: LoginInfo, now: number): string {
  const who = [info.email ?? "unknown account", info.plan ? `plan ${info.plan}` : null]
    .filter(Boolean)
    .join(" · ");
  if (!info.expiresAt) return who;
  const when = info.expiresAt.getTime() > now ? "token expires" : "token expired";
  return `${who} · ${when} ${formatRelative(info.expiresAt, now)} (${formatClock(info.expiresAt)})`;
}

function AccountLine({
  name,
  saved,
  canChange,
}: {
  name: string;
  saved: string[] | undefined;
  canChange: boolean;
}) {
  const theme = useTheme();
  const others = saved?.filter((n) => n !== name) ?? [];
  return (
    <Text wrap="truncate-end">
      {"Account ".padEnd(9)}
      <Text bold color={theme.accent}>
        {name}
      </Text>
      <Text color={theme.muted}>
        {canChange ? "  (n changes it)" : ""}
        {others.length > 0 ? `  · also saved: ${others.join(", ")}` : ""}
      </Text>
    </Text>
  );
}

function CurrentLogin({
  current,
  showState,
  authPath,
  now,
  name,
  saved,
  canChange,
}: {
  current: LoginInfo | null | undefined;
  showState: boolean;
  authPath: string;
  now: number;
  name: string;
  saved: string[] | undefined;
  canChange: boolean;
}) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" marginBottom={1}>
      <AccountLine name={name} saved={saved} canChange={canChange} />
      {!showState ? null : current === undefined ? (
        <Text color={theme.muted}>Reading the stored login…</Text>
      ) : current === null ? (
        <Text color={theme.warn}>Not logged in.</Text>
      ) : (
        <Text wrap="truncate-end">
          <Text color={theme.ok}>✓ Logged in as </Text>
          {describe(current, now)}
        </Text>
      )}
      <Text
        color={theme.muted}
        wrap="truncate-end"
      >{`Login file: ${authPath} (the server reads the same file)`}</Text>
    </Box>
  );
}

function Waiting({ text }: { text: string }) {
  const theme = useTheme();
  return (
    <Text color={theme.muted}>
      <Spinner type="dots" /> {text}
    </Text>
  );
}

/** Login, logout and the result of each, for all four methods. */
export function LoginScreen({ login, authPath, codexHome, ssh, now, width, inputActive }: LoginScreenProps) {
  const theme = useTheme();
  const [selected, setSelected] = useState(ssh ? 1 : 0);
  const [pasted, setPasted] = useState("");
  const { view } = login;
  // Keys can arrive faster than React re-subscribes the handler; read the latest values from refs.
  const latest = useRef({ view, selected, login, pasted, draft: "" });
  latest.current.view = view;
  latest.current.login = login;

  const setPastedValue = (next: string) => {
    latest.current.pasted = next;
    setPasted(next);
  };

  const select = (next: number) => {
    latest.current.selected = next;
    setSelected(next);
  };

  useInput(
    (input, key) => {
      const { view: current, selected: chosen, login: actions } = latest.current;
      const count = loginMethods.length;
      if (current.phase === "naming") {
        const draft = latest.current.draft;
        const type = (next: string) => {
          latest.current.draft = next;
          actions.typeName(next);
        };
        if (key.escape) actions.back();
        else if (key.return) actions.submitName(draft);
        else if (key.backspace || key.delete) type(draft.slice(0, -1));
        else if (!key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && input) {
          type((draft + input.replace(/[\r\n]/g, "")).slice(0, 40));
        }
        return;
      }
      if (current.phase === "menu" || current.phase === "logged_out" || current.phase === "logout_failed") {
        if (key.upArrow) select((chosen + count - 1) % count);
        else if (key.downArrow) select((chosen + 1) % count);
        else if (key.return || /^[1-4]$/.test(input)) {
          setPastedValue("");
          actions.start(loginMethods[key.return ? chosen : Number(input) - 1]?.method ?? "browser");
        } else if (input === "x" && actions.current) actions.askLogout();
        else if (input === "n") {
          latest.current.draft = actions.name;
          actions.editName();
        }
        return;
      }
      if (current.phase === "working" && key.escape) {
        setPastedValue("");
        actions.cancel();
      } else if (
        current.phase === "working" &&
        current.prompt?.kind === "paste_url" &&
        !current.pasteSubmitted
      ) {
        if (key.return) actions.submitPaste(latest.current.pasted);
        else if (key.backspace || key.delete) setPastedValue(latest.current.pasted.slice(0, -1));
        else if (!key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && input) {
          setPastedValue(latest.current.pasted + input.replace(/[\r\n]/g, ""));
        }
      } else if (current.phase === "confirm_logout") {
        if (input === "y") actions.confirmLogout();
        else if (input === "n" || key.escape) actions.back();
      } else if ((current.phase === "success" || current.phase === "error") && (key.return || key.escape)) {
        actions.back();
      }
    },
    { isActive: inputActive },
  );

  return (
    <Box flexDirection="column" width={width}>
      <CurrentLogin
        current={login.current}
        showState={view.phase !== "success"}
        authPath={authPath}
        now={now}
        name={login.name}
        saved={login.saved}
        canChange={view.phase === "menu" || view.phase === "logged_out" || view.phase === "logout_failed"}
      />
      {view.phase === "naming" ? (
        <Box flexDirection="column">
          <Text bold>Account name for the next login</Text>
          <Text color={theme.muted} wrap="wrap">
            default is the first login (auth.json); other names add accounts to the server's pool.
          </Text>
          <Text>
            {"› "}
            <Text color={theme.accent}>{view.draft}</Text>
            <Text inverse> </Text>
          </Text>
          {view.problem ? (
            <Text color={theme.danger} wrap="wrap">{`✗ ${view.problem}`}</Text>
          ) : (
            <Text color={theme.ok}>{view.draft ? "✓ valid name" : " "}</Text>
          )}
        </Box>
      ) : null}
      {view.phase === "menu" || view.phase === "logged_out" || view.phase === "logout_failed" ? (
        <Box flexDirection="column">
          {view.phase === "logged_out" ? (
            <Text color={theme.ok}>Logged out: the stored login was deleted.</Text>
          ) : null}
          {view.phase === "logout_failed" ? (
            <Text color={theme.danger} wrap="truncate-end">{`Logout failed: ${view.message}`}</Text>
          ) : null}
          <Text bold>How do you want to log in?</Text>
          {loginMethods.map((m, index) => (
            <Text key={m.method} wrap="truncate-end" color={index === selected ? theme.accent : undefined}>
              {`${index === selected ? "›" : " "} ${index + 1}. ${m.label.padEnd(22)}`}
              <Text color={theme.muted}>{m.note}</Text>
            </Text>
          ))}
          <Text color={ssh ? theme.warn : theme.muted} wrap="wrap">
            {ssh
              ? "You are on SSH: the browser flow cannot reach this machine, so use Device code or Paste."
              : "Over SSH or without a browser here, Device code and Paste are the ones that work."}
          </Text>
        </Box>
      ) : null}
      {view.phase === "working" ? (
        <Box flexDirection="column">
          {view.prompt === null ? (
            <Waiting
              text={view.method === "import" ? `Importing the login from ${codexHome}…` : "Starting…"}
            />
          ) : view.prompt.kind === "device_code" ? (
            <>
              <DeviceCode
                userCode={view.prompt.userCode}
                verificationUrl={view.prompt.verificationUrl}
                expiresAt={view.prompt.expiresAt}
                now={now}
              />
              <Waiting text="Waiting for you to approve the code…" />
            </>
          ) : view.prompt.kind === "open_url" ? (
            <>
              <Text>
                {view.prompt.opened
                  ? "Your browser should open now. If it does not, open:"
                  : "Open this URL in a browser on this machine:"}
              </Text>
              <Text color={theme.accent}>{view.prompt.url}</Text>
              <Waiting text="Waiting for the browser to finish the login…" />
            </>
          ) : (
            <>
              <Text>1. Open this URL in any browser and log in:</Text>
              <Text color={theme.accent}>{view.prompt.url}</Text>
              <Text>
                2. The browser ends on a page that fails to load (localhost). Copy that page's full address.
              </Text>
              {view.pasteSubmitted ? (
                <Waiting text="Checking the pasted URL…" />
              ) : (
                <Text>
                  {"3. Paste it here and press enter: "}
                  <Text color={theme.accent}>{pasted ? `${pasted.length} characters pasted` : ""}</Text>
                  <Text inverse> </Text>
                </Text>
              )}
            </>
          )}
        </Box>
      ) : null}
      {view.phase === "success" ? (
        <Notice tone="ok" bold title={`✓ Logged in as ${describe(view.info, now)}`}>
          <Text wrap="truncate-end">
            {login.name === "default"
              ? `Saved to ${authPath}; the server uses it from its next request.`
              : `Saved as account "${login.name}" to ${authPath}; a server with an account pool adds it to the pool.`}
          </Text>
        </Notice>
      ) : null}
      {view.phase === "error" ? (
        <Box flexDirection="column">
          <Text color={theme.danger} bold>{`✗ Login failed: ${view.problem.message}`}</Text>
          <Text>{`What to do: ${view.problem.hint}`}</Text>
        </Box>
      ) : null}
      {view.phase === "confirm_logout" ? (
        <Box flexDirection="column">
          <Text color={theme.warn} bold wrap="truncate-end">
            {`Log out ${login.current?.email ?? "this account"}${login.name === "default" ? "" : ` (account "${login.name}")`}?`}
          </Text>
          <Text wrap="truncate-end">
            {login.name === "default"
              ? `This revokes the login at OpenAI and deletes ${authPath}; the server stops working until you log in again.`
              : `This revokes the login at OpenAI and deletes ${authPath}; the server's pool stops using this account.`}
          </Text>
          <Text>
            <Text bold color={theme.accent}>
              y
            </Text>
            {" log out · "}
            <Text bold color={theme.accent}>
              n
            </Text>
            {" keep the login"}
          </Text>
        </Box>
      ) : null}
      {view.phase === "logging_out" ? <Waiting text="Logging out…" /> : null}
    </Box>
  );
}
