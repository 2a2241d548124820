import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createCodexClient } from "@cmp/codex-client";
import { bundledCatalog } from "@cmp/models";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../create-app.js";
import { fakeTokenManager } from "../testing/app-harness.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

const EVENTS = 12_000;
const frame = (event: object) => `data: ${JSON.stringify(event)}\n\n`;

describe("streaming backpressure", () => {
  it("stops reading upstream while the client does not read, and delivers everything once it does", async () => {
    let written = 0;
    const upstreamPort = await listen(
      createServer(async (req, res) => {
        req.resume();
        res.writeHead(200, { "content-type": "text/event-stream" });
        const delta = "x".repeat(2000);
        res.write(frame({ type: "response.created", response: { id: "resp_1" } }));
        for (let i = 0; i < EVENTS; i++) {
          written++;
          if (
            !res.write(frame({ type: "response.output_text.delta", item_id: "m", output_index: 0, delta }))
          ) {
            await once(res, "drain");
          }
        }
        res.end(frame({ type: "response.completed", response: { id: "resp_1", status: "completed" } }));
      }),
    );
    const tokenManager = fakeTokenManager();
    const codexClient = createCodexClient({
      baseUrl: `http://127.0.0.1:${upstreamPort}/backend-api/codex`,
      auth: tokenManager,
      userAgent: "test",
      originator: "test",
      clientVersion: "0.154.0",
    });
    const app = createApp({
      tokenManager,
      catalog: { get: async () => bundledCatalog },
      instructions: { getBaseInstructions: async () => "BASE" },
      codexClient,
    });
    const port = await listen(createServer(app));
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest(
          {
            hostname: "127.0.0.1",
            port,
            path: "/v1/chat/completions",
            method: "POST",
            headers: { "content-type": "application/json" },
          },
          resolve,
        );
        req.on("error", reject);
        req.end(
          JSON.stringify({ model: "gpt-5.4", stream: true, messages: [{ role: "user", content: "hi" }] }),
        );
      });
      response.pause();
      await new Promise((resolve) => setTimeout(resolve, 800));
      // ~24 MB would be produced; socket buffers hold a few MB, so a paused client must stall the upstream.
      expect(written).toBeLessThan(EVENTS);
      let received = 0;
      let tail = "";
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        tail = chunk.toString("utf8").slice(-32);
      });
      response.resume();
      await once(response, "end");
      expect(written).toBe(EVENTS);
      expect(received).toBeGreaterThan(EVENTS * 2000);
      expect(tail).toContain("data: [DONE]");
    } finally {
      await codexClient.close();
    }
  });
});
