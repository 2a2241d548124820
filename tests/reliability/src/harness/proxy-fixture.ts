import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream, writeAuthJson } from "@cmp/testkit";
import { SecretRegistry } from "./secrets.js";
import { type ServerProcess, type ServerProcessOptions, startServerProcess } from "./server-process.js";
import { createTempHome, removeTempHome } from "./temp-home.js";

/** Options of {@link startProxyFixture}. */
export interface ProxyFixtureOptions {
  /** `file` (default): start logged in with an `auth.json` from the fake issuer; `none`: no login. */
  login?: "file" | "none";
  /** Lifetime of the initial access token. Default: the fake issuer's default (1 h). */
  accessTokenTtlSeconds?: number;
  /** Extra environment of the server (`CMP_API_KEYS`, …). */
  env?: Record<string, string | undefined>;
  /** Other process options (user, file size limit, …). */
  process?: Partial<Omit<ServerProcessOptions, "home" | "env">>;
  /** Use this upstream instead of starting one (it is not closed by the fixture). */
  upstream?: FakeUpstream;
  /** Called with the home folder after the login is written, before the server starts. */
  beforeStart?: (home: string) => void | Promise<void>;
}

/** A running proxy against its own fake upstream and temp `CMP_HOME`. */
export interface ProxyFixture {
  upstream: FakeUpstream;
  server: ServerProcess;
  home: string;
  /** `$CMP_HOME/auth.json`. */
  authPath: string;
  secrets: SecretRegistry;
  /** The environment the server was started with (the `CMP_*` variables). */
  env: Record<string, string | undefined>;
  /** Starts a new server process on the same home and upstream (after a stop or kill). */
  restart(options?: { env?: Record<string, string | undefined> }): Promise<ServerProcess>;
  /** All output of every process this fixture started. */
  logs(): string;
  /** Stops everything, removes the home and returns the secrets found in the logs (should be none). */
  close(): Promise<string[]>;
}

/** Starts a fake upstream (unless given), a temp home with a login, and the built server against them. */
export async function startProxyFixture(options: ProxyFixtureOptions = {}): Promise<ProxyFixture> {
  const upstream = options.upstream ?? (await startFakeUpstream());
  const home = createTempHome();
  const secrets = new SecretRegistry();
  if ((options.login ?? "file") === "file") {
    const tokens = await upstream.auth.issueTokens(
      options.accessTokenTtlSeconds === undefined
        ? {}
        : { accessTokenTtlSeconds: options.accessTokenTtlSeconds },
    );
    secrets.addTokens(tokens);
    await writeAuthJson(home, tokens);
  }
  await options.beforeStart?.(home);
  const env: Record<string, string | undefined> = {
    CMP_UPSTREAM_URL: upstream.codex.baseUrl,
    CMP_AUTH_ISSUER: upstream.auth.issuer,
    ...options.env,
  };
  for (const key of (env["CMP_API_KEYS"] ?? "").split(",")) secrets.add(key.trim());
  const outputs: Array<() => string> = [];
  const start = async (extraEnv: Record<string, string | undefined> = {}) => {
    const server = await startServerProcess({ ...options.process, home, env: { ...env, ...extraEnv } });
    outputs.push(server.output);
    return server;
  };
  const fixture: ProxyFixture = {
    upstream,
    server: await start(),
    home,
    authPath: join(home, "auth.json"),
    secrets,
    env,
    restart: async (restartOptions = {}) => {
      if (fixture.server.isRunning()) await fixture.server.stop();
      fixture.server = await start(restartOptions.env);
      return fixture.server;
    },
    logs: () => outputs.map((o) => o()).join("\n"),
    close: async () => {
      await fixture.server.stop();
      secrets.addFromRequests(upstream.codex.requests);
      secrets.addFromRequests(upstream.auth.requests);
      secrets.addFromDataDir(home);
      if (!options.upstream) await upstream.close();
      removeTempHome(home);
      return secrets.findIn(fixture.logs());
    },
  };
  return fixture;
}
