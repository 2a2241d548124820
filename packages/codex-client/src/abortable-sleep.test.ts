import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import type { AbortSignalLike } from "./abort-signal-like.js";
import { abortableSleep } from "./abortable-sleep.js";

/** A minimal stand-in signal that counts its listeners. */
function lightSignal(): AbortSignalLike & { abort(reason: unknown): void; listeners(): number } {
  const listeners = new Set<() => void>();
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_type: "abort", listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: "abort", listener: () => void) => listeners.delete(listener),
    abort(reason: unknown) {
      signal.aborted = true;
      signal.reason = reason;
      for (const listener of listeners) listener();
    },
    listeners: () => listeners.size,
  };
  return signal;
}

describe("abortableSleep", () => {
  it("waits, without a signal or with one that does not fire", async () => {
    const controller = new AbortController();
    await expect(abortableSleep(1)).resolves.toBeUndefined();
    await expect(abortableSleep(1, controller.signal)).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("rejects at once when a real AbortSignal fires", async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort(new Error("client went away"));
    await expect(sleeping).rejects.toMatchObject({ name: "AbortError" });
  });

  it("follows an AbortSignalLike and removes its listener afterwards", async () => {
    const signal = lightSignal();
    await abortableSleep(1, signal);
    expect(signal.listeners()).toBe(0);
    const sleeping = abortableSleep(60_000, signal);
    expect(signal.listeners()).toBe(1);
    signal.abort("gone");
    await expect(sleeping).rejects.toMatchObject({ name: "AbortError", cause: "gone" });
    expect(signal.listeners()).toBe(0);
    await expect(abortableSleep(60_000, signal)).rejects.toMatchObject({ name: "AbortError" });
  });
});
