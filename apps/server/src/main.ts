import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { buildUserAgent, createCodexClient } from "@cmp/codex-client";
import { DEFAULT_ORIGINATOR } from "@cmp/core";
import { createInstructionsProvider } from "@cmp/instructions";
import { createModelCatalog } from "@cmp/models";
import {
  createLoginFromEnvTokens,
  createTokenManager,
  DEFAULT_ACCOUNT_NAME,
  seedStoreIfEmpty,
  type TokenManager,
} from "@cmp/oauth";
import { createStore, type Store } from "@cmp/store";
import pino from "pino";
import type { AppContext } from "./app-context.js";
import { loadConfig, type ServerConfig } from "./config.js";
import { createApp } from "./create-app.js";
import { handleClientError } from "./http/client-error.js";
import { LogBatcher } from "./log-batcher.js";
import { createOllamaListener } from "./routes/ollama-port.js";
import { secureHome } from "./secure-home.js";
import {
  type AccountDirectory,
  createFileAccountDirectory,
  createSharedAccountDirectory,
} from "./state/account-directory.js";
import type { PoolAccount } from "./state/account-pool.js";
import { startManagementRelay } from "./state/management-relay.js";
import { openSharedStore } from "./state/open-shared-store.js";
import { exitCleanlyOnSignals } from "./stop-signals.js";
import { PRODUCT_NAME, SERVER_VERSION } from "./version.js";

/** A started server: its URL and a way to stop it. */
export interface RunningServer {
  url: string;
  server: Server;
  /** The Ollama port's URL and listener (`CMP_OLLAMA_PORT`), or `null` when it is off. */
  ollamaUrl: string | null;
  ollamaServer: Server | null;
  config: ServerConfig;
  /** Stops accepting, lets in-flight requests finish (bounded by `CMP_SHUTDOWN_TIMEOUT_MS`), then closes. */
  shutdown(): Promise<void>;
  /** Writes the log lines collected so far, synchronously (for a process that exits without `shutdown`). */
  flushLogs(): void;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  env?: Record<string, string | undefined>;
  /** Where the `listening on …` line goes (default stdout). */
  print?: (line: string) => void;
}

const offlineFetch: typeof fetch = async () => {
  throw new Error("fetching instructions from GitHub is disabled (CMP_INSTRUCTIONS_FETCH=off)");
};

/** `http://127.0.0.1:8083`, with brackets around IPv6 hosts. */
function formatUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Parses the configuration once, wires the real packages (token store and manager, catalog,
 * instructions, Codex client) into {@link createApp} and listens. Throws `ConfigError` on bad settings.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const looseHomeMode = await secureHome(config.home, { create: true });
  // No redaction pass is needed (and it costs on every line): nothing logs bodies, headers or tokens.
  // Log lines are batched (up to 16 KiB, flushed at least every second and at shutdown): one write per
  // request line was a twentieth of the server's CPU under load.
  const logDestination = new LogBatcher(pino.destination({ fd: 2, sync: false, contentMode: "buffer" }));
  const logFlush = setInterval(() => logDestination.flush(), 1000);
  logFlush.unref();
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, logDestination);
  const flushLogs = () => {
    try {
      logDestination.flushSync();
    } catch {
      // A destination that cannot take a synchronous write (stderr closed) loses these lines.
    }
  };
  let sharedStore: Store | null = null;
  let stateStore: Store | null = null;
  // A start that fails closes what it opened: an open Redis connection would keep the process alive.
  const failStart = async (error: unknown): Promise<never> => {
    clearInterval(logFlush);
    flushLogs();
    await (stateStore ?? sharedStore)?.close().catch(() => undefined);
    throw error;
  };

  if (looseHomeMode !== null) {
    logger.warn(
      { mode: looseHomeMode.toString(8) },
      "CMP_HOME could be read by other users; made it private (0700)",
    );
  }
  // Several replicas (CMP_STORE_URL): the login, its refresh lock, the caches and the state a
  // conversation's next request needs are shared; otherwise all of it stays here and in CMP_HOME.
  // The client retries every 2 s while Redis is away: one warning a minute is enough.
  let storeWarnedAt = Number.NEGATIVE_INFINITY;
  sharedStore = await openSharedStore(config, {
    onError: (error) => {
      if (Date.now() - storeWarnedAt < 60_000) return;
      storeWarnedAt = Date.now();
      logger.warn({ err: error.message }, "shared store (CMP_STORE_URL) connection error; reconnecting");
    },
  }).catch(failStart);
  if (sharedStore !== null)
    logger.info({ prefix: sharedStore.prefix }, "sharing state with other replicas (CMP_STORE_URL)");
  // The state operators keep (the account pool's settings, keys, usage, request history) always has a
  // store: the shared one, or files under CMP_HOME/store that the `cmp-server` commands read too. The
  // request path of a single account with no keys never touches it.
  stateStore = sharedStore ?? (await createStore({ folder: join(config.home, "store") }).catch(failStart));
  const operatorStore = stateStore;
  // The accounts: `default` in the single-account layout (auth.json, or the shared store's `default`),
  // and the others of `cmp-server login --account NAME` beside it.
  const directory: AccountDirectory =
    sharedStore === null
      ? createFileAccountDirectory(config.home)
      : createSharedAccountDirectory(sharedStore);
  const store = directory.tokenStore(DEFAULT_ACCOUNT_NAME);
  const seed = createLoginFromEnvTokens({
    accessToken: config.oauthSeed.accessToken,
    refreshToken: config.oauthSeed.refreshToken,
    accountId: config.oauthSeed.accountId,
  });
  if (await seedStoreIfEmpty(store, seed).catch(failStart))
    logger.info("seeded the token store from OPENAI_OAUTH_* variables");
  const tokenManager = createTokenManager({
    store,
    issuer: config.authIssuer,
    loginHint: "run `cmp-server login` (or `pnpm tui`)",
  });
  let context: Pick<AppContext, "pool" | "metrics"> | undefined;
  const accounts = createAccountSource(directory, tokenManager, config.authIssuer, () => context);
  const userAgent = buildUserAgent({ product: PRODUCT_NAME, version: SERVER_VERSION });
  const catalog = createModelCatalog({
    upstreamUrl: config.upstreamUrl,
    clientVersion: config.clientVersion,
    ...(sharedStore === null
      ? { cacheDir: join(config.home, "cache") }
      : { cache: sharedStore.namespace("catalog") }),
    headers: { originator: DEFAULT_ORIGINATOR, "user-agent": userAgent },
    auth: tokenManager,
    onEvent: (event) => {
      if (event.type === "fetch_failed")
        logger.warn({ error: event.error.message, serving: event.serving }, "model catalog fetch failed");
      else logger.debug({ event: event.type }, "model catalog");
    },
  });
  const instructions = createInstructionsProvider({
    ...(sharedStore === null
      ? { cacheDir: join(config.home, "cache") }
      : { cache: sharedStore.namespace("instructions") }),
    ...(config.instructionsFetch ? {} : { fetch: offlineFetch }),
  });
  const codexClient = createCodexClient({
    baseUrl: config.upstreamUrl,
    auth: tokenManager,
    userAgent,
    originator: DEFAULT_ORIGINATOR,
    // One value for the catalog's `client_version` and every request's `version` header.
    clientVersion: config.clientVersion,
    idleTimeoutMs: config.upstreamIdleTimeoutMs,
    streamDeadlineMs: config.upstreamDeadlineMs,
    onInvalidQuotaHeader: (header, value) =>
      logger.debug({ header, value }, "ignored an invalid x-codex-* header value"),
    maxRetries: config.upstreamMaxRetries,
  });
  const shutdownController = new AbortController();
  const app = createApp({
    config,
    tokenManager,
    catalog,
    instructions,
    codexClient,
    logger,
    shutdownSignal: shutdownController.signal,
    version: SERVER_VERSION,
    ...(sharedStore === null ? {} : { sharedState: sharedStore }),
    store: operatorStore,
    accounts: { initial: await accounts.list().catch(failStart), source: accounts },
  });
  context = app.context;
  const { pool } = app.context;
  await pool.ready;
  const stopRelay =
    sharedStore === null
      ? null
      : await startManagementRelay(app.context.bus, sharedStore, {
          onFailure: (error) =>
            logger.debug({ err: String(error) }, "shared store: could not relay a management event"),
        }).catch(failStart);

  const server = createServer(app);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  }).catch(failStart);
  server.on("clientError", handleClientError);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { port } = server.address() as AddressInfo;
  const url = formatUrl(config.host, port);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  print(`listening on ${url}`);
  // Ollama clients assume their own port (11434): the same app answers there too, when asked to.
  let ollamaServer: Server | null = null;
  let ollamaUrl: string | null = null;
  if (config.ollamaPort !== null) {
    const listening = createServer(createOllamaListener(app));
    ollamaServer = listening;
    listening.listen(config.ollamaPort, config.host);
    await new Promise<void>((resolve, reject) => {
      listening.once("listening", resolve);
      listening.once("error", reject);
    }).catch(async (error: unknown) => {
      server.close();
      return failStart(error);
    });
    listening.on("clientError", handleClientError);
    listening.keepAliveTimeout = 65_000;
    listening.headersTimeout = 66_000;
    ollamaUrl = formatUrl(config.host, (listening.address() as AddressInfo).port);
    print(`Ollama API on ${ollamaUrl}`);
  }
  logger.info({ url, upstream: config.upstreamUrl, version: SERVER_VERSION }, "server started");

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      logger.info({ graceMs: config.shutdownTimeoutMs }, "shutting down: finishing in-flight requests");
      shutdownController.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const ollamaClosed = new Promise<void>((resolve) =>
        ollamaServer ? ollamaServer.close(() => resolve()) : resolve(),
      );
      server.closeIdleConnections();
      ollamaServer?.closeIdleConnections();
      const timer = setTimeout(() => {
        server.closeAllConnections();
        ollamaServer?.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await closed;
      await ollamaClosed;
      clearTimeout(timer);
      // A refresh that was sent has already used up the old refresh token at the issuer: exiting before
      // its answer is saved would lose the login. It is bounded by the answer timeout (2 minutes).
      await Promise.all(accounts.managers().map((manager) => manager.drain()));
      await pool.close();
      await codexClient.close().catch(() => {});
      await stopRelay?.();
      // Usage and history still gathered in this process, before the store closes.
      await app.context.ops.close();
      await operatorStore.close().catch(() => {});
      logger.info("stopped");
      clearInterval(logFlush);
      flushLogs();
    })();
    return stopping;
  };
  return { url, server, ollamaUrl, ollamaServer, config, shutdown, flushLogs };
}

/**
 * The pool's accounts from the directory, each with one token manager for the life of the server (its
 * refresh single-flight and lock are per account). `default` always uses `defaultManager`; a directory
 * with no login at all still has `default`, which then answers "not logged in". A login that can no
 * longer be refreshed marks its account as needing a login.
 */
function createAccountSource(
  directory: AccountDirectory,
  defaultManager: TokenManager,
  issuer: string,
  context: () => Pick<AppContext, "pool" | "metrics"> | undefined,
): { list(): Promise<PoolAccount[]>; managers(): TokenManager[] } {
  const known = new Map<string, { account: PoolAccount; manager: TokenManager }>();
  const entry = (name: string) => {
    let found = known.get(name);
    if (found === undefined) {
      const manager =
        name === DEFAULT_ACCOUNT_NAME
          ? defaultManager
          : createTokenManager({
              store: directory.tokenStore(name),
              issuer,
              loginHint: `run \`cmp-server login --account ${name}\``,
            });
      // The default account's refreshes are counted by createApp (it watches `tokenManager`).
      if (name !== DEFAULT_ACCOUNT_NAME)
        manager.on("refreshed", () => context()?.metrics.refresh(name, true));
      manager.on("refresh_failed", (event) => {
        if (name !== DEFAULT_ACCOUNT_NAME) context()?.metrics.refresh(name, false);
        if (event.retryable) return;
        const at = Date.now();
        void context()?.pool.mark(name, {
          state: "needs_login",
          until: null,
          reason: `${event.code}: ${event.message}`,
          at,
        });
      });
      found = { account: { name, tokenManager: manager }, manager };
      known.set(name, found);
    }
    return found;
  };
  return {
    list: async () => {
      const names = await directory.names();
      return (names.length > 0 ? names : [DEFAULT_ACCOUNT_NAME]).map((name) => entry(name).account);
    },
    managers: () => [...known.values()].map((found) => found.manager),
  };
}

/** `cmp-server serve`: starts the server and stops it cleanly on SIGTERM/SIGINT (exit 0). */
export async function runServe(env: Record<string, string | undefined> = process.env): Promise<void> {
  const running = await startServer({ env });
  process.once("exit", () => running.flushLogs());
  process.on("unhandledRejection", (reason) => {
    process.stderr.write(
      `${JSON.stringify({ level: 50, msg: "unhandled rejection", err: String(reason) })}\n`,
    );
  });
  process.on("uncaughtException", (error) => {
    process.stderr.write(
      `${JSON.stringify({ level: 50, msg: "uncaught exception", err: String(error?.stack ?? error) })}\n`,
    );
  });
  exitCleanlyOnSignals(running.shutdown);
}
