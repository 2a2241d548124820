import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { ServerClient } from "../api/server-client.js";
import { ServerError, type ServerErrorCode } from "../api/server-error.js";
import { type DashboardState, initialDashboardState, reduceDashboard } from "../state/dashboard-state.js";

/** Whether the dashboard is connected to the server's management stream. */
export type Connection =
  | { state: "connecting"; attempt: number }
  | { state: "live"; since: Date }
  | { state: "down"; code: ServerErrorCode; message: string; retryAt: Date; attempt: number };

/** Options of `useServerConnection`. */
export interface ServerConnectionOptions {
  now: () => number;
  /** Delay before retry number `attempt` (0-based); default 1 s doubling up to 30 s. */
  backoffMs?: (attempt: number) => number;
  /** How often `/v1/status` is re-read while connected; default 60 s. */
  statusPollMs?: number;
}

/** Default backoff: 1 s, 2 s, 4 s … capped at 30 s. */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** attempt);
}

function sleep(ms: number, signal: AbortSignal, wake: { current: (() => void) | null }): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      wake.current = null;
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    wake.current = done;
  });
}

/**
 * Keeps a connection to the server: reads `/v1/status`, follows the management stream, and
 * reconnects with backoff when the server is down. `refresh()` retries at once.
 */
export function useServerConnection(
  client: ServerClient,
  { now, backoffMs = defaultBackoffMs, statusPollMs = 60_000 }: ServerConnectionOptions,
): { dashboard: DashboardState; connection: Connection; refresh: () => void } {
  const [dashboard, dispatch] = useReducer(reduceDashboard, initialDashboardState);
  const [connection, setConnection] = useState<Connection>({ state: "connecting", attempt: 0 });
  const wake = useRef<(() => void) | null>(null);
  const live = useRef<AbortController | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let attempt = 0;
    const loadStatus = async () => {
      try {
        dispatch({ type: "status", status: await client.getStatus(signal) });
      } catch (error) {
        if (!signal.aborted && ServerError.isInstance(error) && error.code !== "unreachable") {
          dispatch({ type: "problem", at: new Date(now()), message: error.message });
        }
      }
    };
    const run = async () => {
      while (!signal.aborted) {
        setConnection({ state: "connecting", attempt });
        let failure: ServerError;
        const session = new AbortController();
        const stop = () => session.abort();
        signal.addEventListener("abort", stop, { once: true });
        live.current = session;
        let poll: ReturnType<typeof setInterval> | undefined;
        try {
          dispatch({ type: "status", status: await client.getStatus(session.signal) });
          await client.watchEvents({
            signal: session.signal,
            onOpen: () => {
              attempt = 0;
              setConnection({ state: "live", since: new Date(now()) });
              poll = setInterval(() => void loadStatus(), statusPollMs);
            },
            onEvent: (event) => {
              dispatch(event);
              // A login or pool change moves more than the event says (quota, which account is first).
              if (event.type === "auth" || event.type === "account") void loadStatus();
            },
          });
          failure = new ServerError("unreachable", "the server closed the connection");
        } catch (error) {
          failure = ServerError.isInstance(error)
            ? error
            : new ServerError("unreachable", "lost the connection to the server", { cause: error });
        } finally {
          clearInterval(poll);
          signal.removeEventListener("abort", stop);
          live.current = null;
        }
        if (signal.aborted) return;
        const delay = backoffMs(attempt);
        setConnection({
          state: "down",
          code: failure.code,
          message: failure.message,
          retryAt: new Date(now() + delay),
          attempt: attempt + 1,
        });
        attempt += 1;
        await sleep(delay, signal, wake);
      }
    };
    void run();
    return () => controller.abort();
  }, [client, now, backoffMs, statusPollMs]);

  const refresh = useCallback(() => {
    if (wake.current) {
      wake.current();
      return;
    }
    if (live.current) {
      void client.getStatus(live.current.signal).then(
        (status) => dispatch({ type: "status", status }),
        () => {},
      );
    }
  }, [client]);

  return { dashboard, connection, refresh };
}
