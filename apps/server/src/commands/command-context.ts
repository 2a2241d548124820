import { join } from "node:path";
import { createInterface } from "node:readline";
import { createFileTokenStore, type FileTokenStore, OAuthError } from "@cmp/oauth";

/** What the `login`, `status` and `logout` subcommands get from `cli.ts` (config already parsed). */
export interface CommandContext {
  /** `CMP_HOME`: holds `auth.json`. */
  home: string;
  /** `CMP_AUTH_ISSUER`. */
  authIssuer: string;
  /** `CMP_CALLBACK_PORT`. */
  callbackPort: number;
  /** True when `CMP_CALLBACK_PORT` was not set: only then may login fall back to port 1457. */
  callbackPortIsDefault: boolean;
  /** `CODEX_HOME` or `~/.codex`, for `login --import-codex`. */
  codexHome: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  stdin: NodeJS.ReadableStream;
  fetch?: typeof fetch;
  /** Opens a URL in a browser; default the `open` package. */
  openBrowser?: (url: string) => Promise<void>;
}

/** The login store of a command: `$CMP_HOME/auth.json`. */
export function createCommandStore(ctx: CommandContext): FileTokenStore {
  return createFileTokenStore({ path: join(ctx.home, "auth.json") });
}

/** One line for the user; `OAuthError` messages are written for them and carry no secrets. */
export function describeCommandError(error: unknown): string {
  if (OAuthError.isInstance(error)) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The frame of the subcommands that take no arguments (`status`, `logout`): usage and exit 2 when given
 * any, otherwise `run` with the login store; an error it throws is printed after `failure` and exits 1.
 */
export async function runStoreCommand(
  name: string,
  args: string[],
  ctx: CommandContext,
  failure: string,
  run: (store: FileTokenStore) => Promise<number>,
): Promise<number> {
  if (args.length > 0) {
    ctx.stderr(`usage: cmp-server ${name}`);
    return 2;
  }
  const store = createCommandStore(ctx);
  try {
    return await run(store);
  } catch (error) {
    ctx.stderr(`${failure}: ${describeCommandError(error)}`);
    return 1;
  }
}

/** Reads one line from stdin (the pasted redirect); rejects when stdin ends first. */
export async function readLineFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input: stdin, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line.trim()) return line;
    }
  } finally {
    lines.close();
  }
  throw new OAuthError("invalid_input", "Nothing was pasted (stdin ended).");
}
