import type { ChildProcess } from "node:child_process";

// Every child the kit started and that has not exited yet. Each runs in its own process group (spawned
// detached), so one signal reaches the child and anything it started.
const live = new Set<ChildProcess>();
const forwarded: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Sends `signal` to the process group of `child`; false when it is already gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    // ESRCH: the group is gone. Fall back to the process itself (never detached, or already reaped group).
    try {
      return child.kill(signal);
    } catch {
      return false;
    }
  }
}

function killAll(): void {
  for (const child of live) signalGroup(child, "SIGKILL");
  live.clear();
}

// When the test process dies from a signal, its 'exit' handlers do not run: kill the children first,
// then let the signal do what it would have done had nobody listened.
function onSignal(signal: NodeJS.Signals): void {
  killAll();
  const alone = process.listenerCount(signal) === 1;
  unhook();
  if (alone) process.kill(process.pid, signal);
}

let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", killAll);
  for (const signal of forwarded) process.on(signal, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.removeListener("exit", killAll);
  for (const signal of forwarded) process.removeListener(signal, onSignal);
}

/**
 * Keeps `child` on the list that is killed (SIGKILL, whole group) when the test process exits or is
 * interrupted, until the child exits. A failing test therefore never leaves a server behind.
 */
export function trackChild(child: ChildProcess): void {
  live.add(child);
  hook();
  const forget = () => {
    live.delete(child);
    if (live.size === 0) unhook();
  };
  child.once("exit", forget);
  // A child that could not be spawned (bad cwd, no permission) never emits 'exit'.
  child.once("error", () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) forget();
  });
}
