import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeUpstream, startFakeUpstream } from "@cmp/testkit";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** The built server running as a child process. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): { stdout: string; stderr: string };
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node dist/cli.js serve` with `CMP_PORT=0` and waits for the `listening on` line. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [cli, "serve"], {
    env: {
      PATH: process.env["PATH"] ?? "",
      CMP_PORT: "0",
      CMP_INSTRUCTIONS_FETCH: "off",
      CMP_LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stdout}\n${stderr}`)), 15_000);
    const onData = () => {
      const match = /^listening on (http:\/\/\S+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    child,
    output: () => ({ stdout, stderr }),
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the server and waits for it to exit (for start-up failures). */
export async function runServerToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, "serve"], {
    env: { PATH: process.env["PATH"] ?? "", CMP_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
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
      await rm(home, { recursive: true, force: true });
    },
  };
}
