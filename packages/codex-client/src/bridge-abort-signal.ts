import type { AbortSignalLike } from "./abort-signal-like.js";

/** A real `AbortSignal` standing in for an {@link AbortSignalLike}, and how to let go of it. */
export interface AbortSignalBridge {
  signal: AbortSignal | undefined;
  /** Removes the bridge's listener from the stand-in (which may outlive the operation). */
  release(): void;
}

const noop = () => {};
const noBridge: AbortSignalBridge = { signal: undefined, release: noop };

/**
 * APIs such as `fetch` and `node:timers/promises` need a real `AbortSignal`. A real one (or none) is
 * passed through without allocating; a lighter stand-in gets an `AbortController` that follows it.
 */
export function bridgeAbortSignal(signal: AbortSignalLike | undefined): AbortSignalBridge {
  if (signal === undefined) return noBridge;
  if (signal instanceof AbortSignal) return { signal, release: noop };
  const controller = new AbortController();
  if (signal.aborted) {
    controller.abort(signal.reason);
    return { signal: controller.signal, release: noop };
  }
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, release: () => signal.removeEventListener("abort", onAbort) };
}
