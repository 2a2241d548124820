import { randomBytes } from "node:crypto";
import {
  type FakeTokenSet,
  type FakeUpstream,
  type IssueTokensOptions,
  runServerProcess,
  type ServerRun,
  startFakeUpstream,
  startRedisServer,
  type TestRedisServer,
} from "@cmp/testkit";
import {
  type ProcessExit,
  SERVER_CLI_PATH,
  type ServerProcess,
  startServerProcess,
} from "../harness/server-process.js";
import { createTempHome, removeTempHome } from "../harness/temp-home.js";

/** One `cmp-server serve` process of the deployment, with its own `CMP_HOME` and port. */
export interface Replica {
  /** `A`, `B`, `C`, … */
  name: string;
  home: string;
  server: ServerProcess;
  baseUrl: string;
}

/** Options of {@link startReplicaDeployment}. */
export interface ReplicaDeploymentOptions {
  /** How many replicas (default 3). */
  replicas?: number;
  /** The login seeded into the store by the first replica (`OPENAI_OAUTH_*`); default a 1 h token. */
  seed?: IssueTokensOptions;
}

/** Redis, one fake upstream (auth + Codex) and several replicas sharing the store. */
export interface ReplicaDeployment {
  redis: TestRedisServer;
  upstream: FakeUpstream;
  /** `CMP_STORE_SECRET` (32 random bytes, base64). */
  secret: string;
  /** `CMP_STORE_PREFIX` of the replicas. */
  prefix: string;
  /** The token set seeded through the first replica's `OPENAI_OAUTH_*` variables. */
  seed: FakeTokenSet;
  replicas: Replica[];
  /** The `CMP_*` variables every replica gets: store, upstream, issuer (another prefix if given). */
  sharedEnv(prefix?: string): Record<string, string>;
  /** Runs `cmp-server <args>` to its end in `home` (a fresh private folder when not given). */
  runCli(args: string[], options?: { prefix?: string; home?: string }): Promise<ServerRun>;
  /** Everything every replica printed. */
  logs(): string;
  /** Stops the replicas (SIGTERM, then SIGKILL after `graceMs`) and returns how each exited. */
  stopReplicas(graceMs?: number): Promise<ProcessExit[]>;
  /** Stops everything (replicas, fakes, Redis) and removes the folders; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts Redis, the fake auth server and Codex backend, and `replicas` built servers sharing one store
 * (same `CMP_STORE_URL`, `CMP_STORE_SECRET` and a fresh `CMP_STORE_PREFIX`), each with its own
 * `CMP_HOME` and a free port. The first replica seeds the login from `OPENAI_OAUTH_*` and is started
 * alone, so the seed is written once; the others start after it, in parallel, without the seed.
 * Whatever started is stopped again when a later step fails.
 */
export async function startReplicaDeployment(
  options: ReplicaDeploymentOptions = {},
): Promise<ReplicaDeployment> {
  const homes: string[] = [];
  const replicas: Replica[] = [];
  const outputs: Array<() => string> = [];
  let redis: TestRedisServer | undefined;
  let upstream: FakeUpstream | undefined;
  let closed = false;

  const stopReplicas = async (graceMs = 20_000) =>
    Promise.all(replicas.map((replica) => replica.server.stop(graceMs)));
  const close = async () => {
    if (closed) return;
    closed = true;
    await stopReplicas().catch(() => undefined);
    await upstream?.close().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    for (const home of homes) removeTempHome(home);
  };

  try {
    redis = await startRedisServer();
    upstream = await startFakeUpstream();
    const secret = randomBytes(32).toString("base64");
    const prefix = `e2e-${randomBytes(4).toString("hex")}`;
    const seed = await upstream.auth.issueTokens(options.seed ?? {});
    const redisUrl = redis.url;
    const fakes = upstream;
    const sharedEnv = (storePrefix = prefix): Record<string, string> => ({
      CMP_STORE_URL: redisUrl,
      CMP_STORE_SECRET: secret,
      CMP_STORE_PREFIX: storePrefix,
      CMP_UPSTREAM_URL: fakes.codex.baseUrl,
      CMP_AUTH_ISSUER: fakes.auth.issuer,
    });
    const newHome = (label: string) => {
      const home = createTempHome(label);
      homes.push(home);
      return home;
    };
    const startReplica = async (index: number, extraEnv: Record<string, string> = {}) => {
      const name = String.fromCharCode(65 + index);
      const home = newHome(`replica-${name}`);
      const server = await startServerProcess({
        home,
        env: { ...sharedEnv(), ...extraEnv },
        startTimeoutMs: 60_000,
      });
      outputs.push(server.output);
      const replica: Replica = { name, home, server, baseUrl: server.baseUrl };
      replicas[index] = replica;
      return replica;
    };

    const count = options.replicas ?? 3;
    await startReplica(0, {
      OPENAI_OAUTH_ACCESS_TOKEN: seed.access_token,
      OPENAI_OAUTH_REFRESH_TOKEN: seed.refresh_token,
    });
    // Every start settles before a failure is thrown, so `close` finds each process that did start.
    const others = await Promise.allSettled(Array.from({ length: count - 1 }, (_, i) => startReplica(i + 1)));
    for (const result of others) if (result.status === "rejected") throw result.reason;

    return {
      redis,
      upstream,
      secret,
      prefix,
      seed,
      replicas,
      sharedEnv,
      runCli: (args, cliOptions = {}) => {
        const home = cliOptions.home ?? newHome("cli");
        return runServerProcess({
          entry: SERVER_CLI_PATH,
          args,
          cwd: home,
          timeoutMs: 60_000,
          env: {
            PATH: process.env["PATH"],
            HOME: home,
            CMP_HOME: home,
            NO_COLOR: "1",
            ...sharedEnv(cliOptions.prefix),
          },
        });
      },
      logs: () => outputs.map((output) => output()).join("\n"),
      stopReplicas,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
