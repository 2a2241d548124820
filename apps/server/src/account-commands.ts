import { homedir } from "node:os";
import { join } from "node:path";
import { runAccountsCommand } from "./commands/accounts.js";
import type { CommandContext } from "./commands/command-context.js";
import { runKeysCommand } from "./commands/keys.js";
import { runLoginCommand } from "./commands/login.js";
import { runLogoutCommand } from "./commands/logout.js";
import { runStatusCommand } from "./commands/status.js";
import { loadConfig } from "./config.js";
import { secureHome } from "./secure-home.js";

/** Runs `cmp-server login|status|logout|accounts|keys` with the parsed configuration; returns the exit code. */
export async function runCommand(
  command: "login" | "status" | "logout" | "accounts" | "keys",
  args: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const config = loadConfig(env, { forServing: false });
  // The commands read and write auth.json there: an existing folder others can read is made private
  // first (login creates it, 0700, when it saves).
  const looseHomeMode = await secureHome(config.home, { create: false });
  if (looseHomeMode !== null) {
    process.stderr.write(
      `CMP_HOME (${config.home}) could be read by other users (mode ${looseHomeMode.toString(8)}); made it private (0700).\n`,
    );
  }
  const ctx: CommandContext = {
    home: config.home,
    authIssuer: config.authIssuer,
    callbackPort: config.callbackPort,
    callbackPortIsDefault: !env["CMP_CALLBACK_PORT"]?.trim(),
    codexHome: env["CODEX_HOME"]?.trim() || join(homedir(), ".codex"),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    stdin: process.stdin,
    sharedStore: config,
  };
  switch (command) {
    case "login":
      return runLoginCommand(args, ctx);
    case "status":
      return runStatusCommand(args, ctx);
    case "logout":
      return runLogoutCommand(args, ctx);
    case "accounts":
      return runAccountsCommand(args, ctx);
    case "keys":
      return runKeysCommand(args, ctx);
  }
}
