import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@cmp/core";
import { z } from "zod";

/** The dashboard's settings, read once from the environment at start-up. */
export interface TuiConfig {
  /** Data folder holding `auth.json` (`CMP_HOME`, default `~/.cmp`). */
  home: string;
  /** The login file the server reads: `$CMP_HOME/auth.json`. */
  authPath: string;
  /** OAuth issuer (`CMP_AUTH_ISSUER`). */
  authIssuer: string;
  /** Local OAuth callback port for the browser flow (`CMP_CALLBACK_PORT`). */
  callbackPort: number;
  /** Whether the callback port was set explicitly (only the default may fall back to 1457). */
  callbackPortExplicit: boolean;
  /** The Codex CLI's home, where `auth.json` is imported from (`CODEX_HOME`, default `~/.codex`). */
  codexHome: string;
  /** The server the dashboard watches (`CMP_SERVER_URL`), without a trailing slash. */
  serverUrl: string;
  /** Key sent as `Authorization: Bearer` to the server (`CMP_API_KEY`). */
  apiKey: string | null;
  /** True when `NO_COLOR` is set to a non-empty value. */
  noColor: boolean;
  /** True inside an SSH session (`SSH_CONNECTION` or `SSH_TTY`): the browser flow cannot reach us. */
  ssh: boolean;
}

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

const envSchema = z.object({
  CMP_HOME: z.preprocess(emptyToUndefined, z.string().optional()),
  CMP_AUTH_ISSUER: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  CMP_CALLBACK_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  CODEX_HOME: z.preprocess(emptyToUndefined, z.string().optional()),
  CMP_SERVER_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  CMP_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  NO_COLOR: z.string().optional(),
  SSH_CONNECTION: z.string().optional(),
  SSH_TTY: z.string().optional(),
});

function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return path;
}

/**
 * Parses the dashboard's environment once. Throws a `ConfigError` naming the variable when a value is
 * unusable (for example `CMP_SERVER_URL=localhost`).
 */
export function loadConfig(env: Record<string, string | undefined>, userHome: string = homedir()): TuiConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    throw new ConfigError(`${name} is invalid: ${issue?.message ?? "unusable value"}`);
  }
  const vars = parsed.data;
  const home = expandHome(vars.CMP_HOME ?? "~/.cmp", userHome);
  return {
    home,
    authPath: join(home, "auth.json"),
    authIssuer: (vars.CMP_AUTH_ISSUER ?? "https://auth.openai.com").replace(/\/+$/, ""),
    callbackPort: vars.CMP_CALLBACK_PORT ?? 1455,
    callbackPortExplicit: vars.CMP_CALLBACK_PORT !== undefined,
    codexHome: expandHome(vars.CODEX_HOME ?? "~/.codex", userHome),
    serverUrl: (vars.CMP_SERVER_URL ?? "http://127.0.0.1:8083").replace(/\/+$/, ""),
    apiKey: vars.CMP_API_KEY ?? null,
    noColor: vars.NO_COLOR !== undefined && vars.NO_COLOR !== "",
    ssh: Boolean(vars.SSH_CONNECTION || vars.SSH_TTY),
  };
}
