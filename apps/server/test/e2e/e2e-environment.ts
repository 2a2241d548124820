import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type FakeUpstream,
  runServerProcess,
  type ServerProcess,
  type ServerRun,
  startFakeUpstream,
  startServerProcess,
} from "@cmp/testkit";

/** The built server CLI (global-setup builds it when missing or stale). */
export const serverCli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** The environment every end-to-end server starts with: a free port, no network fetch of instructions. */
function serverEnv(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "",
    CMP_PORT: "0",
    CMP_INSTRUCTIONS_FETCH: "off",
    CMP_LOG_LEVEL: "info",
    ...env,
  };
}

/** Starts `cmp-server serve` from the build with `env` and waits for its `listening on` line. */
export function startBuiltServer(env: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess({ entry: serverCli, env: serverEnv(env), startTimeoutMs: 15_000 });
}

/** Runs `cmp-server serve` from the build to its exit (for start-up failures); killed after 10 s. */
export function runBuiltServer(env: Record<string, string>): Promise<ServerRun> {
  return runServerProcess({ entry: serverCli, env: serverEnv(env), timeoutMs: 10_000 });
}

/** A fake upstream, a temporary CMP_HOME logged in to it, and the env pointing the server at both. */
export interface Environment {
  upstream: FakeUpstream;
  home: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** Creates an {@link Environment}; `login: false` leaves CMP_HOME without auth.json. */
export async function createEnvironment(
  options: { login?: boolean; accessTokenTtlSeconds?: number } = {},
): Promise<Environment> {
  const upstream = await startFakeUpstream();
  const home = await mkdtemp(join(tmpdir(), "cmp-e2e-"));
  if (options.login !== false) {
    await upstream.loginInto(
      home,
      options.accessTokenTtlSeconds === undefined
        ? undefined
        : { accessTokenTtlSeconds: options.accessTokenTtlSeconds },
    );
  }
  return {
    upstream,
    home,
    env: { CMP_HOME: home, CMP_UPSTREAM_URL: upstream.codex.baseUrl, CMP_AUTH_ISSUER: upstream.auth.issuer },
    async cleanup() {
      await upstream.close();
      await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}
