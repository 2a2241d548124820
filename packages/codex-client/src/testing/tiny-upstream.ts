import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the tiny upstream received. */
export interface RecordedUpstreamRequest {
  headers: IncomingMessage["headers"];
  body: string;
  remotePort: number | undefined;
}

/** Answers request number `index` (0-based) of the tiny upstream. */
export type TinyHandler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

/**
 * A minimal loopback HTTP server for the client's tests (test use only): it records each request and
 * hands it to `handler` once its body has arrived.
 */
export async function startTinyUpstream(handler: TinyHandler) {
  const requests: RecordedUpstreamRequest[] = [];
  const closed: number[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const index = requests.length;
      requests.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        remotePort: req.socket.remotePort,
      });
      res.on("close", () => closed.push(index));
      handler(req, res, index);
    });
  });
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/backend-api/codex`,
    requests,
    /** Indexes of the requests whose response closed (finished or connection gone). */
    closed,
    /** TCP connections accepted so far. */
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The SSE body that carries `events`, one `data:` frame each. */
export function sse(events: unknown[]): string {
  return events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");
}
