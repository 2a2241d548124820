// Starts the built server as a child process (node directly, so /proc figures are the server's alone;
// output straight to a log file, so the load driver spends no CPU on it) and stops it again. The
// process handling is the test kit's startServerProcess, loaded from its build like upstream-worker.mjs.
const { startServerProcess } = await import(
  new URL("../../packages/testkit/dist/index.js", import.meta.url).href
);

/**
 * Spawns `node [nodeArgs] <entry> serve` with `env` added to this process's environment, waits for its
 * `listening on http://HOST:PORT` line, and returns `{ pid, url, exited(), stop() }`. Output goes to `logFile`.
 */
export async function startServer({ entry, env, nodeArgs = [], logFile, readyTimeoutMs = 30_000 }) {
  const server = await startServerProcess({
    entry,
    nodeArgs,
    env: { ...process.env, ...env },
    logFile,
    startTimeoutMs: readyTimeoutMs,
  }).catch((error) => {
    throw new Error(`the server did not start (${error.message.split("\n")[0]}); see ${logFile}`, {
      cause: error,
    });
  });
  return {
    pid: server.pid,
    url: server.url,
    /** How the server exited, or `null` while it runs. */
    exited: () => server.exitStatus(),
    /** SIGTERM, then SIGKILL after 5 s; resolves with `{ code, signal }`. */
    stop: () => server.stop({ graceMs: 5_000 }),
  };
}
