import { join } from "node:path";
import { createInterface } from "node:readline";
import { createFileTokenStore, OAuthError, type TokenStore } from "@cmp/oauth";
import { createStore, type Store } from "@cmp/store";
import type { ServerConfig } from "../config.js";
import {
  type AccountDirectory,
  createFileAccountDirectory,
  createSharedAccountDirectory,
} from "../state/account-directory.js";
import { AccountHealthBoard } from "../state/account-health.js";
import { openSharedStore } from "../state/open-shared-store.js";
import { createSharedTokenStore } from "../state/shared-token-store.js";

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
  /** `CMP_STORE_URL`, `CMP_STORE_PREFIX`, `CMP_STORE_SECRET`: the login is in the shared store when a URL is set. */
  sharedStore?: Pick<ServerConfig, "storeUrl" | "storePrefix" | "storeSecret">;
}

/** The login store of a command, where it is for the user, and how to let it go. */
export interface CommandStore {
  store: TokenStore;
  /** `/home/me/.cmp/auth.json`, or `the shared store (CMP_STORE_URL, prefix cmp)`. */
  where: string;
  /** Moves an unreadable login file aside (file store only); the moved path, or `null`. */
  quarantineCorrupt(): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * The login store of a command: the shared store when `CMP_STORE_URL` is set (any machine with the
 * URL and secret logs in, checks and logs out the whole deployment), else `$CMP_HOME/auth.json`.
 */
export async function openCommandStore(ctx: CommandContext): Promise<CommandStore> {
  const shared = ctx.sharedStore ? await openSharedStore(ctx.sharedStore) : null;
  if (shared !== null) {
    return {
      store: createSharedTokenStore(shared),
      where: `the shared store (CMP_STORE_URL, prefix ${shared.prefix})`,
      quarantineCorrupt: async () => null,
      close: () => shared.close(),
    };
  }
  const file = createFileTokenStore({ path: join(ctx.home, "auth.json") });
  return {
    store: file,
    where: file.path,
    quarantineCorrupt: () => file.quarantineCorrupt(),
    close: async () => undefined,
  };
}

/** The accounts of the pool as a command sees them, with the operator store their state is kept in. */
export interface CommandAccounts {
  directory: AccountDirectory;
  /** The operator store: the shared one, or the embedded files under `CMP_HOME/store`, as the server. */
  operator: Store;
  /** The accounts' health (cooling down, needing a login, disabled), shared with running servers. */
  health: AccountHealthBoard;
  close(): Promise<void>;
}

/**
 * Opens the pool's accounts where the server keeps them: the shared store when `CMP_STORE_URL` is set,
 * else `CMP_HOME` (logins in `auth.json` and `accounts/`, state in `CMP_HOME/store`).
 */
export async function openCommandAccounts(ctx: CommandContext): Promise<CommandAccounts> {
  const shared = ctx.sharedStore ? await openSharedStore(ctx.sharedStore) : null;
  const operator = shared ?? (await createStore({ folder: join(ctx.home, "store") }));
  const directory =
    shared === null ? createFileAccountDirectory(ctx.home) : createSharedAccountDirectory(shared);
  return {
    directory,
    operator,
    health: new AccountHealthBoard({ store: operator }),
    close: () => operator.close(),
  };
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
  run: (opened: CommandStore) => Promise<number>,
): Promise<number> {
  if (args.length > 0) {
    ctx.stderr(`usage: cmp-server ${name}`);
    return 2;
  }
  let opened: CommandStore | undefined;
  try {
    opened = await openCommandStore(ctx);
    return await run(opened);
  } catch (error) {
    ctx.stderr(`${failure}: ${describeCommandError(error)}`);
    return 1;
  } finally {
    await opened?.close();
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
