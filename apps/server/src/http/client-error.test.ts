import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { handleClientError } from "./client-error.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function rawExchange(request: string): Promise<string> {
  server = createServer((_req, res) => res.end("ok"));
  server.on("clientError", handleClientError);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(request));
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("utf8");
    });
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}

describe("handleClientError (reliability suite: fuzz case 'headers transfer-encoding')", () => {
  it("answers a request Node cannot parse with an OpenAI JSON 400, not a bare 400", async () => {
    const reply = await rawExchange(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\n{}",
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const body = JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4)) as {
      error: { code: string; type: string };
    };
    expect(body.error).toMatchObject({ code: "bad_request", type: "invalid_request_error" });
  });

  it("answers oversized headers with a JSON 431", async () => {
    const reply = await rawExchange(
      `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(reply).toContain('"code":"headers_too_large"');
  });
});
