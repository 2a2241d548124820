import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** The status and error code for an HTTP parser failure (Node's `clientError`). */
function classify(code: string | undefined): { status: number; code: string; message: string } {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, code: "headers_too_large", message: "The request headers are too large." };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, code: "request_timeout", message: "The request took too long to arrive." };
    default:
      return { status: 400, code: "bad_request", message: "The request is not valid HTTP/1.1." };
  }
}

/**
 * Answers a request that Node's HTTP parser rejected (bad framing such as `Transfer-Encoding: identity`
 * with a body, oversized headers, a request timeout) with an OpenAI JSON error instead of Node's bare
 * `400 Bad Request`, then closes the connection. Install with `server.on("clientError", handleClientError)`.
 */
export function handleClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, code, message } = classify(error.code);
  const body = JSON.stringify({ error: { message, type: "invalid_request_error", code, param: null } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Bad Request"}\r\n` +
      "content-type: application/json; charset=utf-8\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      "connection: close\r\n\r\n" +
      body,
  );
}
