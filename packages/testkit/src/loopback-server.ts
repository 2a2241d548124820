import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { TestkitError } from "./testkit-error.js";

/** Where a fake server listens. Defaults: `127.0.0.1`, port `0` (any free port). */
export interface ListenOptions {
  host?: string;
  port?: number;
}

/** A started `node:http` server that tracks its sockets so `close()` never hangs. */
export interface LoopbackServer {
  server: Server;
  /** `http://HOST:PORT` without a trailing slash. */
  origin: string;
  /** Sockets accepted since start. */
  connectionCount(): number;
  /** Sockets currently open. */
  openConnectionCount(): number;
  /** Stops listening and destroys every open socket. */
  close(): Promise<void>;
}

/** Starts a `node:http` server whose handler errors become 500s instead of crashes. */
export async function startLoopbackServer(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  { host = "127.0.0.1", port = 0 }: ListenOptions = {},
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ detail: `fake server error: ${String(error)}` }));
      } else {
        res.destroy();
      }
    });
  });
  server.on("connection", (socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      reject(new TestkitError("TESTKIT_LISTEN_FAILED", `cannot listen on ${host}:${port}`, { cause: error }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    server,
    origin: `http://${hostInUrl}:${boundPort}`,
    connectionCount: () => accepted,
    openConnectionCount: () => sockets.size,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// JSON and text answers of the fakes: `@cmp/core`'s, the same the server writes with.
export { sendJson, sendText } from "@cmp/core";
