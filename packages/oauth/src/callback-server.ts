import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { buildLoopbackRedirectUri } from "./authorize-url.js";
import { renderErrorPage, renderSuccessPage } from "./callback-pages.js";
import { getErrnoCode } from "./errno-code.js";
import { OAuthError } from "./oauth-errors.js";
import { timingSafeEqualStrings } from "./timing-safe-equal.js";

/** Options of {@link startCallbackServer}. */
export interface CallbackServerOptions {
  port: number;
  /** Tried when `port` stays busy; only the default port has one (1457). */
  fallbackPort?: number | null;
  expectedState: string;
  /** Exchanges and stores the code; its rejection fails the login. */
  onCode: (code: string, redirectUri: string) => Promise<void>;
  timeoutMs: number;
  signal?: AbortSignal;
  bindAttempts?: number;
  bindRetryDelayMs?: number;
}

/** A bound callback server. `done` settles once the login finished and the server is closed. */
export interface CallbackServer {
  port: number;
  redirectUri: string;
  done: Promise<void>;
  close(): void;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.startsWith("[")
    ? hostHeader.slice(0, hostHeader.indexOf("]") + 1)
    : hostHeader.split(":")[0];
  return loopbackHosts.has((host ?? "").toLowerCase());
}

function listen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      if (getErrnoCode(error) === "EADDRINUSE") resolve(false);
      else reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(true);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, "127.0.0.1");
  });
}

/** Asks a login server left over on `port` to stop, the way the Codex CLI does. */
function requestCancel(port: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/cancel",
        headers: { connection: "close", host: `localhost:${port}` },
        timeout: 1000,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
      },
    );
    req.on("error", () => resolve());
    req.on("timeout", () => {
      req.destroy();
      resolve();
    });
    req.end();
  });
}

async function bindWithTakeover(server: Server, options: CallbackServerOptions): Promise<number> {
  const attempts = options.bindAttempts ?? 10;
  const delay = options.bindRetryDelayMs ?? 200;
  const candidates = [options.port, ...(options.fallbackPort ? [options.fallbackPort] : [])];
  for (const [index, port] of candidates.entries()) {
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (await listen(server, port)) {
        const address = server.address();
        return typeof address === "object" && address ? address.port : port;
      }
      if (index === 0 && attempt === 0) await requestCancel(port);
      await sleep(delay, undefined, { signal: options.signal }).catch((cause: unknown) => {
        throw new OAuthError("cancelled", "The login was cancelled.", { cause });
      });
    }
  }
  throw new OAuthError(
    "port_in_use",
    `Port ${candidates.join(" and ")} ${candidates.length > 1 ? "are" : "is"} already in use; stop the program using it, or log in with --paste or --device.`,
  );
}

function send(res: ServerResponse, status: number, body: string, type = "text/html; charset=utf-8"): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  res.end(body);
}

/**
 * Starts the loopback server that receives the browser's redirect: `/auth/callback` (timing-safe
 * `state` check; a wrong state gets 400 and the login keeps waiting), `/success`, `/cancel`. Requests
 * whose Host is not loopback get 403. When the port is busy, it asks the old server to `/cancel`,
 * retries, then tries the fallback port.
 */
export async function startCallbackServer(options: CallbackServerOptions): Promise<CallbackServer> {
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let handlingCode = false;
  let finished = false;
  let redirectUri = "";
  let graceTimer: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
  });

  const finish = (error?: unknown) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    clearTimeout(graceTimer);
    options.signal?.removeEventListener("abort", onAbort);
    server.close(() => (error === undefined ? settle?.resolve() : settle?.reject(error)));
    server.closeAllConnections();
  };
  const finishAfterResponse = (res: ServerResponse, error?: unknown) => {
    res.on("finish", () => finish(error));
    res.on("close", () => finish(error));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host)) {
      send(res, 403, "Forbidden", "text/plain; charset=utf-8");
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/auth/callback") {
      const state = url.searchParams.get("state") ?? "";
      if (!timingSafeEqualStrings(state, options.expectedState)) {
        send(res, 400, "State mismatch", "text/plain; charset=utf-8");
        return;
      }
      if (handlingCode || finished) {
        send(res, 409, renderErrorPage("This login was already handled", null));
        return;
      }
      const error = url.searchParams.get("error");
      if (error) {
        const description = url.searchParams.get("error_description");
        send(res, 200, renderErrorPage(error, description));
        finishAfterResponse(
          res,
          error === "access_denied"
            ? new OAuthError("access_denied", "The login was declined in the browser (access_denied).")
            : new OAuthError("token_exchange_failed", `The login failed in the browser (${error}).`),
        );
        return;
      }
      const code = url.searchParams.get("code");
      if (!code) {
        send(res, 400, renderErrorPage("missing_authorization_code", null));
        return;
      }
      handlingCode = true;
      try {
        await options.onCode(code, redirectUri);
      } catch (failure) {
        send(
          res,
          500,
          renderErrorPage("login_failed", OAuthError.isInstance(failure) ? failure.message : null),
        );
        finishAfterResponse(res, failure);
        return;
      }
      res.writeHead(302, { location: "/success", connection: "close", "content-length": 0 });
      res.end();
      graceTimer = setTimeout(() => finish(), 2_000);
      return;
    }
    if (url.pathname === "/success") {
      send(res, 200, renderSuccessPage());
      if (handlingCode) finishAfterResponse(res);
      return;
    }
    if (url.pathname === "/cancel") {
      send(res, 200, "Login cancelled", "text/plain; charset=utf-8");
      if (!handlingCode) finishAfterResponse(res, new OAuthError("cancelled", "The login was cancelled."));
      return;
    }
    send(res, 404, "Not Found", "text/plain; charset=utf-8");
  }

  const onAbort = () => finish(new OAuthError("cancelled", "The login was cancelled."));
  const port = await bindWithTakeover(server, options);
  redirectUri = buildLoopbackRedirectUri(port);
  timer = setTimeout(
    () =>
      finish(
        new OAuthError(
          "timeout",
          `No login arrived within ${Math.round(options.timeoutMs / 1000)} s; run the login command again.`,
        ),
      ),
    options.timeoutMs,
  );
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  return { port, redirectUri, done, close: () => onAbort() };
}
