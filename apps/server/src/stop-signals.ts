/** The signals that stop `cmp-server serve` cleanly. */
export const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Runs `stop` (once) on SIGTERM or SIGINT, then `exit` with its code, and keeps listening until the
 * process ends; returns a function that removes the listeners.
 *
 * Why `on` and not `once`: `signal-exit` (loaded by proper-lockfile for good, and by write-file-atomic
 * while a file is being written) re-sends a signal to the process when its own listeners are the only
 * ones left. With a `once` listener, ours was gone by the time theirs ran, so a SIGTERM that arrived
 * during a store write killed the server mid-drain (exit by signal, replies cut). A later signal while
 * stopping changes nothing: the drain has its own deadline (`CMP_SHUTDOWN_TIMEOUT_MS`).
 */
export function exitCleanlyOnSignals(
  stop: () => Promise<void>,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => exit(0),
      () => exit(1),
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
  };
}
