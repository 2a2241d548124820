import { parseArgs } from "node:util";
import {
  FALLBACK_CALLBACK_PORT,
  importCodexAuth,
  type LoginResult,
  loginWithBrowser,
  loginWithDeviceCode,
  loginWithPastedRedirect,
  OAuthError,
} from "@cmp/oauth";
import {
  type CommandContext,
  type CommandStore,
  describeCommandError,
  openCommandStore,
  readLineFromStdin,
} from "./command-context.js";

const usage = "usage: cmp-server login [--device | --paste | --import-codex [PATH]]";

type LoginMode =
  | { kind: "browser" }
  | { kind: "device" }
  | { kind: "paste" }
  | { kind: "import"; path: string | null };

const loginOptions = {
  device: { type: "boolean" },
  paste: { type: "boolean" },
  // A boolean to parseArgs: its optional PATH is the positional right after it, or `--import-codex=PATH`.
  "import-codex": { type: "boolean" },
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
  const modes: LoginMode[] = [];
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
  return modes[0] ?? { kind: "browser" };
}

function describeLogin(result: LoginResult): string {
  const who = result.email ?? `account ${result.accountId}`;
  return `Logged in as ${who} (${result.plan ?? "unknown"} plan, account ${result.accountId}).`;
}

/**
 * `cmp-server login`: logs in with the browser (default), `--device`, `--paste`, or copies the Codex
 * CLI's login with `--import-codex [PATH]`. Returns the exit code: 0 logged in, 1 failed, 2 bad usage.
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
  let opened: CommandStore | undefined;
  try {
    opened = await openCommandStore(ctx);
    const { store, where } = opened;
    const common = { store, issuer: ctx.authIssuer, fetch: ctx.fetch, print: ctx.stdout };
    const moved = await opened.quarantineCorrupt();
    if (moved) ctx.stderr(`The existing ${where} was unreadable; kept it as ${moved}.`);
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
    ctx.stdout(describeLogin(result));
    ctx.stdout(`Saved to ${where}.`);
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
