import { CodexHttpError } from "@cmp/codex-client";
import { computeBackoffMs } from "@cmp/core";
import { isUpstreamOverload } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { toHttpError } from "../errors/map-error.js";
import type { ClientAbort } from "../http/client-abort.js";

/** Waits `ms`, or less when the client leaves (then nothing more is sent for it anyway). */
function pause(ms: number, clientAbort: ClientAbort): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      clientAbort.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    clientAbort.addEventListener("abort", done);
  });
}

/**
 * True when `error` is a backend overload this server should retry itself. codex-client already retried
 * an HTTP 5xx answer, so only the overloads it cannot see are left: an `error` / `response.failed` event
 * inside a 200 stream (`server_is_overloaded`, `slow_down`), and a `slow_down` on a 4xx status.
 */
function isRetryableHere(error: unknown, now: number): boolean {
  if (CodexHttpError.isInstance(error) && error.status >= 500) return false;
  return isUpstreamOverload(toHttpError(error, now));
}

/**
 * Runs `attempt` (one upstream call and its answer) again with backoff when the backend said it is
 * overloaded and `nothingSent()` still holds: a retry after a byte reached the client would duplicate
 * output. After `overloadRetries` retries the last failure is thrown: the error writer answers it as a
 * 503 with `Retry-After`.
 */
export async function retryWhileOverloaded(
  app: AppContext,
  clientAbort: ClientAbort,
  nothingSent: () => boolean,
  attempt: () => Promise<void>,
): Promise<void> {
  const { overloadRetries, overloadRetryBaseMs } = app.config;
  for (let retry = 1; ; retry++) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (
        retry > overloadRetries ||
        clientAbort.aborted ||
        !nothingSent() ||
        !isRetryableHere(error, app.now())
      ) {
        throw error;
      }
      const waitMs = computeBackoffMs(retry, { baseMs: overloadRetryBaseMs });
      app.metrics.retry("overloaded");
      app.logger.warn({ retry, waitMs }, "the backend is overloaded; sending the request again");
      await pause(waitMs, clientAbort);
      if (clientAbort.aborted) throw error;
    }
  }
}
