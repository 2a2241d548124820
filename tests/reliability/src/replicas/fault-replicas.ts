import { randomBytes } from "node:crypto";
import { type FakeTokenSet, type FakeUpstream, runServerProcess, type ServerRun } from "@cmp/testkit";
import { errorCodeOf, postChat } from "../harness/chat-request.js";
import type { RawResponse } from "../harness/http-request.js";
import { checkReply } from "../harness/reply-check.js";
import type { SecretRegistry } from "../harness/secrets.js";
import { SERVER_CLI_PATH, type ServerProcess, startServerProcess } from "../harness/server-process.js";
import { createTempHome, removeTempHome } from "../harness/temp-home.js";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it is true; throws naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A fresh `CMP_STORE_SECRET`, as the README says to make one (32 random bytes, base64). */
export function newStoreSecret(): string {
  return randomBytes(32).toString("base64");
}

/** The `CMP_STORE_*` variables of one deployment. */
export interface StoreSettings {
  url: string;
  secret?: string;
  prefix?: string;
}

/** What every replica of a deployment is started with: the fakes, the store, and a login to seed. */
export function replicaEnv(
  upstream: FakeUpstream,
  store: StoreSettings,
  seed?: FakeTokenSet,
): Record<string, string | undefined> {
  return {
    CMP_UPSTREAM_URL: upstream.codex.baseUrl,
    CMP_AUTH_ISSUER: upstream.auth.issuer,
    CMP_STORE_URL: store.url,
    CMP_STORE_SECRET: store.secret,
    CMP_STORE_PREFIX: store.prefix,
    // Every replica gets the same seed; only the first one to start stores it (the store is empty).
    OPENAI_OAUTH_ACCESS_TOKEN: seed?.access_token,
    OPENAI_OAUTH_REFRESH_TOKEN: seed?.refresh_token,
  };
}

/** One `cmp-server serve` replica with its own `CMP_HOME`. */
export interface Replica {
  name: string;
  home: string;
  server: ServerProcess;
  baseUrl: string;
}

/** Starts one replica (the built server, debug logs) in a temp home of its own. */
export async function startReplica(name: string, env: Record<string, string | undefined>): Promise<Replica> {
  const home = createTempHome(`replica-${name}`);
  try {
    const server = await startServerProcess({ home, env, startTimeoutMs: 45_000 });
    return { name, home, server, baseUrl: server.baseUrl };
  } catch (error) {
    removeTempHome(home);
    throw error;
  }
}

/** Stops a replica (SIGTERM, drained) unless it already exited, and removes its home. */
export async function closeReplica(replica: Replica): Promise<void> {
  if (replica.server.isRunning()) await replica.server.stop(15_000);
  removeTempHome(replica.home);
}

/**
 * Runs `cmp-server serve` to its end (a start that must fail) with the suite's environment in a temp
 * home; the process group is killed at `timeoutMs`. Also reports how long it ran.
 */
export async function runReplicaToExit(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<ServerRun & { elapsedMs: number }> {
  const home = createTempHome("replica-run");
  const started = Date.now();
  try {
    const run = await runServerProcess({
      entry: SERVER_CLI_PATH,
      args: ["serve"],
      cwd: home,
      timeoutMs,
      env: {
        PATH: process.env["PATH"],
        HOME: home,
        CMP_HOME: home,
        CMP_PORT: "0",
        CMP_LOG_LEVEL: "debug",
        CMP_INSTRUCTIONS_FETCH: "off",
        NODE_ENV: "production",
        NO_COLOR: "1",
        ...env,
      },
    });
    return { ...run, elapsedMs: Date.now() - started };
  } finally {
    removeTempHome(home);
  }
}

/**
 * A stack frame in output meant for a person: Node's `at fn (file:line:col)` or a bare
 * `    at file:line:col`, also inside a JSON log line (where the newline before it is escaped).
 */
export const STACK_FRAME =
  /\bat (?:async )?[^\s()]+ \((?:file:\/\/|node:|\/)[^)]*:\d+:\d+\)|(?:^|\\n)\s+at (?:file:\/\/|node:|\/)\S*:\d+:\d+/m;

/** The claims of a JWT, without checking its signature. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** The bearer token of a request the fake Codex backend recorded, or `null`. */
export function bearerOf(headers: Record<string, string>): string | null {
  const auth = headers["authorization"];
  return auth ? auth.replace(/^bearer\s+/i, "") : null;
}

/** The refresh grants the fake issuer received (answered, failed or held), in order. */
export function refreshGrants(upstream: FakeUpstream) {
  return upstream.auth.requests.filter(
    (r) => r.path === "/oauth/token" && (r.body as { grant_type?: string })?.grant_type === "refresh_token",
  );
}

/** One request of a {@link Trickle}, as the client saw it. */
export interface TrickleResult {
  replica: string;
  sentAt: number;
  doneAt: number;
  status: number;
  /** The OpenAI error code of an error reply, else `null`. */
  code: string | null;
  retryAfter: string | undefined;
  stream: boolean;
  /** What `checkReply` found wrong with the reply (empty for a valid completion or error). */
  problems: string[];
  /** A client-side failure: `timed out`, `ECONNRESET`, … */
  error: string | null;
  /** The start of the body, for failure messages. */
  excerpt: string;
}

/** A steady trickle of chat requests, one at a time per replica, that can be paused and resumed. */
export interface Trickle {
  readonly results: TrickleResult[];
  /** Waits until no request is in flight, then sends none until {@link resume}. */
  pause(): Promise<void>;
  resume(): void;
  /** Stops for good and waits for the requests in flight. */
  stop(): Promise<void>;
}

/**
 * Starts one loop per replica that sends a small chat request (alternately streamed and not), waits
 * for its reply (at most `timeoutMs`), records it, and sends the next one `intervalMs` later.
 */
export function startTrickle(
  replicas: readonly Replica[],
  secrets: SecretRegistry,
  options: { intervalMs?: number; timeoutMs?: number } = {},
): Trickle {
  const intervalMs = options.intervalMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const results: TrickleResult[] = [];
  let paused = false;
  let stopped = false;
  let wake: (() => void) | undefined;
  let resumed = Promise.resolve();
  const idle = new Set<string>();
  const idleWaiters: Array<() => void> = [];
  const notifyIdle = () => {
    if (idle.size === replicas.length) for (const waiter of idleWaiters.splice(0)) waiter();
  };

  const loop = async (replica: Replica) => {
    let count = 0;
    while (!stopped) {
      if (paused) {
        idle.add(replica.name);
        notifyIdle();
        await resumed;
        idle.delete(replica.name);
        continue;
      }
      const stream = count % 2 === 1;
      count += 1;
      const sentAt = Date.now();
      const res: RawResponse = await postChat(replica.baseUrl, {
        stream,
        timeoutMs,
        text: `trickle ${count}`,
      });
      results.push({
        replica: replica.name,
        sentAt,
        doneAt: Date.now(),
        status: res.status,
        code: res.status === 200 && !stream ? null : errorCodeOf(res),
        retryAfter: res.headers["retry-after"] as string | undefined,
        stream,
        problems: checkReply(res, "chat", secrets),
        error: res.error,
        excerpt: res.text.slice(0, 300),
      });
      await sleep(intervalMs);
    }
    idle.add(replica.name);
    notifyIdle();
  };
  const loops = replicas.map((replica) => loop(replica));

  return {
    results,
    pause: async () => {
      if (!paused) {
        paused = true;
        resumed = new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (idle.size === replicas.length) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    resume: () => {
      paused = false;
      wake?.();
      wake = undefined;
    },
    stop: async () => {
      stopped = true;
      paused = false;
      wake?.();
      await Promise.all(loops);
    },
  };
}

/** A one-line account of a result, for assertion messages. */
export function describeResult(r: TrickleResult, origin: number): string {
  const at = ((r.sentAt - origin) / 1000).toFixed(1);
  const took = ((r.doneAt - r.sentAt) / 1000).toFixed(1);
  return `${r.replica} t=${at}s took=${took}s status=${r.status} code=${r.code} retry-after=${r.retryAfter ?? "-"} error=${r.error ?? "-"} problems=${r.problems.join(";") || "-"} ${r.status === 200 ? "" : r.excerpt.slice(0, 160)}`;
}
