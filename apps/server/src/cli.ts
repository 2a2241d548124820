#!/usr/bin/env node
import { ConfigError } from "@cmp/core";
import { runServe } from "./main.js";
import { SERVER_VERSION } from "./version.js";

const USAGE = `cmp-server ${SERVER_VERSION}: an OpenAI-compatible API backed by your ChatGPT subscription

Usage:
  cmp-server [serve]                      start the server (configuration: CMP_* environment variables)
  cmp-server login [--account NAME] [--device | --paste | --import-codex [PATH]]
  cmp-server status                       show the login (exit 1 when not logged in)
  cmp-server logout                       revoke the refresh token and delete auth.json
  cmp-server accounts [list]              the pool: name, email, plan, state, quota, last error
  cmp-server accounts remove|disable|enable NAME
  cmp-server keys create NAME [--budget-tokens N [--per day|week|month]] [--rpm N] [--models a,b] [--admin]
                                          create a named API key (printed once)
  cmp-server keys list [--json]           named keys: created, last used, usage this period, limits
  cmp-server keys revoke NAME             revoke a named key (servers refuse it within a second)
  cmp-server --help | --version
`;

async function run(argv: string[]): Promise<number | undefined> {
  const [command = "serve", ...args] = argv;
  switch (command) {
    case "serve":
      await runServe();
      return undefined;
    case "login":
    case "status":
    case "logout":
    case "accounts":
    case "keys":
      return runAccountCommand(command, args);
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    case "--version":
    case "-v":
      process.stdout.write(`${SERVER_VERSION}\n`);
      return 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function runAccountCommand(
  command: "login" | "status" | "logout" | "accounts" | "keys",
  args: string[],
): Promise<number> {
  const { runCommand } = await import("./account-commands.js");
  return runCommand(command, args);
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    if (ConfigError.isInstance(error)) {
      process.stderr.write(`cmp-server: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`cmp-server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
