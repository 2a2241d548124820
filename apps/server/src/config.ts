import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@cmp/core";
import { DEFAULT_STORE_PREFIX, parseStoreSecret, STORE_SECRET_HINT } from "@cmp/store";
import { z } from "zod";
import { isLoopbackHost } from "./middleware/host-guard.js";
import { ACCOUNT_STRATEGIES, type AccountStrategy } from "./state/pool-routing.js";
import { CODEX_CLIENT_VERSION } from "./version.js";

/** Names of the client profiles a user can opt into (see docs/clients.md). */
export const CLIENT_PROFILE_NAMES = ["letta", "openwebui"] as const;
/** One client profile name. */
export type ClientProfileName = (typeof CLIENT_PROFILE_NAMES)[number];

/** The server's configuration, parsed once from the environment. */
export interface ServerConfig {
  home: string;
  host: string;
  port: number;
  /**
   * `CMP_OLLAMA_PORT`: a second port serving the same app on `CMP_HOST`, for Ollama clients (which
   * assume 11434); `GET /` answers `Ollama is running` there. `null` (the default): no second port.
   */
  ollamaPort: number | null;
  apiKeys: string[];
  dashboardApiKey: string | null;
  bodyLimitBytes: number;
  upstreamUrl: string;
  authIssuer: string;
  callbackPort: number;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
  corsOrigins: string[];
  instructionsMode: "client" | "codex";
  /** `CMP_ACCOUNT_STRATEGY`: how a pool of several accounts spreads new conversations (default `sticky`). */
  accountStrategy: AccountStrategy;
  reasoningOutput: "fields" | "think" | "none";
  serverUrl: string;
  clientProfiles: ClientProfileName[];
  backgroundModel: string | null;
  modelAliases: Record<string, string>;
  keepAliveMs: number;
  shutdownTimeoutMs: number;
  upstreamIdleTimeoutMs: number;
  /** `CMP_UPSTREAM_DEADLINE_MS`: the longest one backend request may take, head to last byte. */
  upstreamDeadlineMs: number;
  upstreamMaxRetries: number;
  /** `false` (CMP_INSTRUCTIONS_FETCH=off): never download prompt files from GitHub. */
  instructionsFetch: boolean;
  /**
   * `CMP_CLIENT_VERSION`: the Codex client version announced upstream, as the catalog's
   * `client_version` and every request's `version` header (one value for both).
   */
  clientVersion: string;
  oauthSeed: { accessToken: string | null; refreshToken: string | null; accountId: string | null };
  /**
   * `CMP_STORE_URL`: `redis://…` or `rediss://…` shares the login, refresh lock, caches, reasoning,
   * turn state, quota and management feed between replicas; `null` keeps everything in this process
   * and `CMP_HOME`, as a single server always did.
   */
  storeUrl: string | null;
  /** `CMP_STORE_PREFIX`: the first part of every key, to keep deployments on one Redis apart (default `cmp`). */
  storePrefix: string;
  /** `CMP_STORE_SECRET`: 32 bytes that encrypt logins in the shared store (required with `storeUrl`). */
  storeSecret: Uint8Array | null;
  /** `CMP_METRICS_PUBLIC=1`: `GET /metrics` needs no API key (default: protected like the management API). */
  metricsPublic: boolean;
  /** `CMP_HISTORY_SIZE`: how many finished requests the request history keeps (default 1 000). */
  historySize: number;
  /** `CMP_LOG_BODIES=1`: the request history also keeps request bodies, with secrets redacted. */
  logBodies: boolean;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

function parseSize(value: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) return null;
  const bytes = Number(match[1]) * (SIZE_UNITS[(match[2] ?? "b").toLowerCase()] ?? 1);
  return bytes >= 1 ? Math.floor(bytes) : null;
}

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), "expected an http(s) URL")
  .transform((v) => v.replace(/\/+$/, ""));
const port = z.coerce.number().int("expected an integer").min(0).max(65535);
// Node's timers hold at most 2^31 - 1 ms; a longer one would fire at once (TimeoutOverflowWarning).
const positiveMs = z.coerce
  .number()
  .int("expected an integer (milliseconds)")
  .min(1)
  .max(2_147_483_647, "expected at most 2147483647 (about 24.8 days)");
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null));

const envSchema = z.object({
  CMP_HOME: z.string().trim().min(1).optional(),
  CMP_HOST: z.string().trim().min(1).default("127.0.0.1"),
  CMP_PORT: port.default(8083),
  CMP_OLLAMA_PORT: port.optional(),
  CMP_API_KEYS: z.string().optional().transform(list),
  CMP_API_KEY: optionalText,
  CMP_BODY_LIMIT: z
    .string()
    .default("50mb")
    .transform((v, ctx) => {
      const bytes = parseSize(v);
      if (bytes === null) {
        ctx.addIssue({ code: "custom", message: 'expected a size such as "50mb", "512kb" or "1048576"' });
        return z.NEVER;
      }
      return bytes;
    }),
  CMP_UPSTREAM_URL: httpUrl.default("https://chatgpt.com/backend-api/codex"),
  CMP_AUTH_ISSUER: httpUrl.default("https://auth.openai.com"),
  CMP_CALLBACK_PORT: port.default(1455),
  CMP_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  CMP_CORS_ORIGINS: z
    .string()
    .optional()
    .transform(list)
    .pipe(
      z.array(
        httpUrl.refine((v) => new URL(v).origin === v, "expected origins like https://app.example.com"),
      ),
    ),
  CMP_INSTRUCTIONS_MODE: z.enum(["client", "codex"]).default("client"),
  CMP_ACCOUNT_STRATEGY: z
    .enum(ACCOUNT_STRATEGIES as [AccountStrategy, ...AccountStrategy[]])
    .default("sticky"),
  CMP_REASONING_OUTPUT: z.enum(["fields", "think", "none"]).default("fields"),
  CMP_SERVER_URL: httpUrl.default("http://127.0.0.1:8083"),
  CMP_CLIENT_PROFILE: z
    .string()
    .optional()
    .transform(list)
    .pipe(z.array(z.enum(CLIENT_PROFILE_NAMES))),
  CMP_BACKGROUND_MODEL: optionalText,
  CMP_MODEL_ALIASES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const aliases: Record<string, string> = {};
      for (const pair of list(v)) {
        const [from, to, extra] = pair.split("=").map((s) => s.trim());
        if (!from || !to || extra !== undefined) {
          ctx.addIssue({ code: "custom", message: `expected alias=model pairs, got "${pair}"` });
          return z.NEVER;
        }
        aliases[from] = to;
      }
      return aliases;
    }),
  CMP_SSE_KEEPALIVE_MS: positiveMs.default(15_000),
  CMP_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int("expected an integer (milliseconds)").min(0).default(10_000),
  CMP_UPSTREAM_TIMEOUT_MS: positiveMs.default(300_000),
  CMP_UPSTREAM_DEADLINE_MS: positiveMs.default(1_800_000),
  CMP_UPSTREAM_RETRIES: z.coerce.number().int("expected an integer").min(0).max(10).default(2),
  CMP_INSTRUCTIONS_FETCH: z.enum(["on", "off"]).default("on"),
  CMP_CLIENT_VERSION: z
    .string()
    .trim()
    .regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}(?:-[0-9A-Za-z.]{1,32})?$/, 'expected a version such as "0.154.0"')
    .default(CODEX_CLIENT_VERSION),
  CMP_STORE_URL: z
    .string()
    .trim()
    .refine(
      (v) => /^rediss?:\/\//i.test(v) && URL.canParse(v),
      "expected redis://host:6379 or rediss://host:6380 (unset for the embedded store)",
    )
    .optional(),
  CMP_STORE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "expected 1 to 100 of A-Z a-z 0-9 . _ -")
    .default(DEFAULT_STORE_PREFIX),
  CMP_STORE_SECRET: optionalText,
  CMP_METRICS_PUBLIC: z.enum(["0", "1", "false", "true"]).default("0"),
  CMP_HISTORY_SIZE: z.coerce.number().int("expected an integer").min(1).max(100_000).default(1_000),
  CMP_LOG_BODIES: z.enum(["0", "1"]).default("0"),
  OPENAI_OAUTH_ACCESS_TOKEN: optionalText,
  OPENAI_OAUTH_REFRESH_TOKEN: optionalText,
  OPENAI_CHATGPT_ACCOUNT_ID: optionalText,
});

/**
 * Parses the `CMP_*` (and `OPENAI_OAUTH_*` seed) variables once. Throws a {@link ConfigError} naming the
 * variable on the first wrong value, and (when `forServing`) refuses a non-loopback `CMP_HOST` without
 * `CMP_API_KEYS`.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  { forServing = true }: { forServing?: boolean } = {},
): ServerConfig {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    // Secrets and URLs (which may hold a password) are never echoed.
    const shown =
      name.startsWith("OPENAI_OAUTH") || name.includes("KEY") || name.startsWith("CMP_STORE_")
        ? ""
        : ` (got "${cleaned[name] ?? ""}")`;
    throw new ConfigError(`Invalid ${name}: ${issue?.message ?? "invalid value"}${shown}`);
  }
  const e = parsed.data;
  if (forServing && !isLoopbackHost(e.CMP_HOST) && e.CMP_API_KEYS.length === 0) {
    throw new ConfigError(
      `Refusing to listen on CMP_HOST=${e.CMP_HOST} without CMP_API_KEYS: anyone on the network could use your ChatGPT subscription. ` +
        "Set CMP_API_KEYS=<key1,key2> or use CMP_HOST=127.0.0.1.",
    );
  }
  const storeUrl = e.CMP_STORE_URL ?? null;
  let storeSecret: Uint8Array | null = null;
  if (e.CMP_STORE_SECRET !== null) {
    try {
      storeSecret = parseStoreSecret(e.CMP_STORE_SECRET);
    } catch (error) {
      throw new ConfigError(`Invalid CMP_STORE_SECRET: ${(error as Error).message}`);
    }
  }
  if (storeUrl !== null && storeSecret === null) {
    throw new ConfigError(
      `CMP_STORE_URL is set but CMP_STORE_SECRET is not: the shared store keeps logins encrypted with a 32-byte secret that every replica shares. ${STORE_SECRET_HINT}`,
    );
  }
  return {
    home: e.CMP_HOME ?? join(homedir(), ".cmp"),
    host: e.CMP_HOST,
    port: e.CMP_PORT,
    ollamaPort: e.CMP_OLLAMA_PORT ?? null,
    apiKeys: e.CMP_API_KEYS,
    dashboardApiKey: e.CMP_API_KEY,
    bodyLimitBytes: e.CMP_BODY_LIMIT,
    upstreamUrl: e.CMP_UPSTREAM_URL,
    authIssuer: e.CMP_AUTH_ISSUER,
    callbackPort: e.CMP_CALLBACK_PORT,
    logLevel: e.CMP_LOG_LEVEL,
    corsOrigins: e.CMP_CORS_ORIGINS,
    instructionsMode: e.CMP_INSTRUCTIONS_MODE,
    accountStrategy: e.CMP_ACCOUNT_STRATEGY,
    reasoningOutput: e.CMP_REASONING_OUTPUT,
    serverUrl: e.CMP_SERVER_URL,
    clientProfiles: e.CMP_CLIENT_PROFILE,
    backgroundModel: e.CMP_BACKGROUND_MODEL,
    modelAliases: e.CMP_MODEL_ALIASES,
    keepAliveMs: e.CMP_SSE_KEEPALIVE_MS,
    shutdownTimeoutMs: e.CMP_SHUTDOWN_TIMEOUT_MS,
    upstreamIdleTimeoutMs: e.CMP_UPSTREAM_TIMEOUT_MS,
    upstreamDeadlineMs: e.CMP_UPSTREAM_DEADLINE_MS,
    upstreamMaxRetries: e.CMP_UPSTREAM_RETRIES,
    instructionsFetch: e.CMP_INSTRUCTIONS_FETCH === "on",
    clientVersion: e.CMP_CLIENT_VERSION,
    oauthSeed: {
      accessToken: e.OPENAI_OAUTH_ACCESS_TOKEN,
      refreshToken: e.OPENAI_OAUTH_REFRESH_TOKEN,
      accountId: e.OPENAI_CHATGPT_ACCOUNT_ID,
    },
    storeUrl,
    storePrefix: e.CMP_STORE_PREFIX,
    storeSecret,
    metricsPublic: e.CMP_METRICS_PUBLIC === "1" || e.CMP_METRICS_PUBLIC === "true",
    historySize: e.CMP_HISTORY_SIZE,
    logBodies: e.CMP_LOG_BODIES === "1",
  };
}
