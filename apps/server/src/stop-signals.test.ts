import { afterEach, describe, expect, it, vi } from "vitest";
import { exitCleanlyOnSignals, STOP_SIGNALS } from "./stop-signals.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("exitCleanlyOnSignals", () => {
  it("stops once, exits 0, and keeps its listener so signal-exit never sees itself alone", async () => {
    const stop = vi.fn(() => Promise.resolve());
    const exit = vi.fn();
    const before = process.listenerCount("SIGTERM");
    cleanups.push(exitCleanlyOnSignals(stop, exit));
    // signal-exit re-sends the signal when `listeners(sig).length` equals its own count: ours must stay.
    process.emit("SIGTERM", "SIGTERM");
    expect(process.listenerCount("SIGTERM")).toBe(before + 1);
    process.emit("SIGINT", "SIGINT");
    process.emit("SIGTERM", "SIGTERM");
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it("exits 1 when stopping fails, and removes its listeners when asked", async () => {
    const exit = vi.fn();
    const counts = STOP_SIGNALS.map((signal) => process.listenerCount(signal));
    const remove = exitCleanlyOnSignals(() => Promise.reject(new Error("store gone")), exit);
    process.emit("SIGINT", "SIGINT");
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1));
    remove();
    expect(STOP_SIGNALS.map((signal) => process.listenerCount(signal))).toEqual(counts);
  });
});
