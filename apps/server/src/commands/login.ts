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
  createCommandStore,
  describeCommandError,
  readLineFromStdin,
} from "./command-context.js";

const usage = "usage: cmp-server login [--device | --paste | --import-codex [PATH]]";

type LoginMode =
  | { kind: "browser" }
  | { kind: "device" }
  | { kind: "paste" }
  | { kind: "import"; path: string | null };

function parseLoginArgs(args: string[]): LoginMode | string {
  let mode: LoginMode = { kind: "browser" };
  let chosen = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--device") mode = { kind: "device" };
    else if (arg === "--paste") mode = { kind: "paste" };
    else if (arg === "--import-codex") {
      const next = args[i + 1];
      const path = next !== undefined && !next.startsWith("--") ? next : null;
      if (path !== null) i++;
      mode = { kind: "import", path };
    } else if (arg?.startsWith("--import-codex="))
      mode = { kind: "import", path: arg.slice("--import-codex=".length) };
    else return `unknown argument ${JSON.stringify(arg)}`;
    chosen++;
  }
  return chosen > 1 ? "choose one of --device, --paste, --import-codex" : mode;
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
  const store = createCommandStore(ctx);
  const common = { store, issuer: ctx.authIssuer, fetch: ctx.fetch, print: ctx.stdout };
  try {
    const moved = await store.quarantineCorrupt();
    if (moved) ctx.stderr(`The existing ${store.path} was unreadable; kept it as ${moved}.`);
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
    ctx.stdout(`Saved to ${store.path}.`);
    return 0;
  } catch (error) {
    ctx.stderr(`Login failed: ${describeCommandError(error)}`);
    if (OAuthError.isInstance(error) && error.code === "port_in_use") {
      ctx.stderr("Tip: `cmp-server login --paste` works without a local port.");
    }
    return 1;
  }
}
