import { parseArgs } from "node:util";
import {
  ACCOUNT_NAME_PATTERN,
  DEFAULT_ACCOUNT_NAME,
  FALLBACK_CALLBACK_PORT,
  importCodexAuth,
  type LoginResult,
  loginWithBrowser,
  loginWithDeviceCode,
  loginWithPastedRedirect,
  OAuthError,
} from "@cmp/oauth";
import {
  type CommandAccounts,
  type CommandContext,
  describeCommandError,
  openCommandAccounts,
  readLineFromStdin,
} from "./command-context.js";

const usage = "usage: cmp-server login [--account NAME] [--device | --paste | --import-codex [PATH]]";

type LoginFlow =
  | { kind: "browser" }
  | { kind: "device" }
  | { kind: "paste" }
  | { kind: "import"; path: string | null };

type LoginMode = LoginFlow & { account: string };

const loginOptions = {
  device: { type: "boolean" },
  paste: { type: "boolean" },
  // A boolean to parseArgs: its optional PATH is the positional right after it, or `--import-codex=PATH`.
  "import-codex": { type: "boolean" },
  account: { type: "string" },
} as const;

/**
 * Reads the login flags with `node:util` `parseArgs`. Its tokens give what it cannot express itself: the
 * optional value of `--import-codex` and one message per unknown or misused flag. Returns the mode or
 * what is wrong with the arguments.
 */
function parseLoginArgs(args: string[]): LoginMode | string {
  const { tokens } = parseArgs({
    args,
    options: loginOptions,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const modes: LoginFlow[] = [];
  let account = DEFAULT_ACCOUNT_NAME;
  for (const [index, token] of tokens.entries()) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      const previous = tokens[index - 1];
      const isImportPath =
        previous?.kind === "option" && previous.name === "import-codex" && previous.value === undefined;
      if (!isImportPath) return `unexpected argument ${JSON.stringify(token.value)}`;
      modes[modes.length - 1] = { kind: "import", path: token.value };
      continue;
    }
    if (token.name === "account") {
      if (token.value === undefined || token.value === "") return "--account takes a NAME";
      if (!ACCOUNT_NAME_PATTERN.test(token.value)) {
        return `"${token.value.slice(0, 40)}" is not a valid account name (1-32 of a-z, 0-9, ".", "_", "-")`;
      }
      account = token.value;
      continue;
    }
    if (token.name === "import-codex") {
      modes.push({ kind: "import", path: token.value ?? null });
      continue;
    }
    if (token.name !== "device" && token.name !== "paste") {
      return `unknown option ${JSON.stringify(token.rawName)}`;
    }
    if (token.value !== undefined) return `${token.rawName} takes no value`;
    modes.push(token.name === "device" ? { kind: "device" } : { kind: "paste" });
  }
  if (modes.length > 1) return "choose one of --device, --paste, --import-codex";
  return { ...(modes[0] ?? { kind: "browser" }), account };
}

function describeLogin(result: LoginResult): string {
  const who = result.email ?? `account ${result.accountId}`;
  return `Logged in as ${who} (${result.plan ?? "unknown"} plan, account ${result.accountId}).`;
}

/**
 * `cmp-server login`: logs in with the browser (default), `--device`, `--paste`, or copies the Codex
 * CLI's login with `--import-codex [PATH]`; `--account NAME` adds (or logs in again) a named account of
 * the pool, and a ChatGPT account that another name holds is refused. Returns the exit code: 0 logged
 * in, 1 failed, 2 bad usage.
 */
export async function runLoginCommand(args: string[], ctx: CommandContext): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    ctx.stdout(usage);
    return 0;
  }
  const mode = parseLoginArgs(args);
  if (typeof mode === "string") {
    ctx.stderr(`${mode}; ${usage}`);
    return 2;
  }
  let opened: CommandAccounts | undefined;
  try {
    opened = await openCommandAccounts(ctx);
    const { directory } = opened;
    const name = mode.account;
    const store = directory.loginStore(name);
    const target = directory.tokenStore(name);
    const where =
      "path" in target && typeof target.path === "string"
        ? target.path
        : name === DEFAULT_ACCOUNT_NAME
          ? directory.where
          : `${directory.where}, account "${name}"`;
    const common = { store, issuer: ctx.authIssuer, fetch: ctx.fetch, print: ctx.stdout };
    if ("quarantineCorrupt" in target && typeof target.quarantineCorrupt === "function") {
      const moved: string | null = await target.quarantineCorrupt();
      if (moved) ctx.stderr(`The existing ${where} was unreadable; kept it as ${moved}.`);
    }
    const result =
      mode.kind === "device"
        ? await loginWithDeviceCode(common)
        : mode.kind === "paste"
          ? await loginWithPastedRedirect({
              ...common,
              port: ctx.callbackPort,
              readInput: () => readLineFromStdin(ctx.stdin),
            })
          : mode.kind === "import"
            ? await importCodexAuth({ ...common, codexHome: mode.path ?? ctx.codexHome })
            : await loginWithBrowser({
                ...common,
                port: ctx.callbackPort,
                fallbackPort: ctx.callbackPortIsDefault ? FALLBACK_CALLBACK_PORT : null,
                openBrowser: ctx.openBrowser,
              });
    await directory.register(name);
    // A new login is what a "needs login" mark waited for; a disabled account stays disabled.
    await opened.health.load([name]);
    if (opened.health.get(name)?.state === "needs_login") await opened.health.set(name, null);
    ctx.stdout(describeLogin(result));
    ctx.stdout(`Saved to ${where}${name === DEFAULT_ACCOUNT_NAME ? "" : ` as account "${name}"`}.`);
    return 0;
  } catch (error) {
    ctx.stderr(`Login failed: ${describeCommandError(error)}`);
    if (OAuthError.isInstance(error) && error.code === "port_in_use") {
      ctx.stderr("Tip: `cmp-server login --paste` works without a local port.");
    }
    return 1;
  } finally {
    await opened?.close();
  }
}
