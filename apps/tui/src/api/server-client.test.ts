import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ManagementEvent } from "@cmp/protocol";
import { chunkEvery } from "@cmp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { apiKey, loggedInStatus, quotaAt, requestRecord } from "../testing/fixtures.js";
import { createServerClient } from "./server-client.js";
import { ServerError } from "./server-error.js";

const statusBody = loggedInStatus();
const record = requestRecord("req_1", {
  effort: "high",
  usage: { input: 10, cached: 0, output: 5, reasoning: 2 },
});

const sse = [
  `event: snapshot\ndata: ${JSON.stringify({ status: statusBody, recent: [record] })}\n\n`,
  ": keep-alive\n\n",
  `event: request\ndata: ${JSON.stringify({ ...record, id: "req_2", state: "running", usage: null })}\n\n`,
  // Not the server's shape (camelCase, unix seconds): skipped, never half-read.
  `event: quota\ndata: ${JSON.stringify({ primary: { usedPercent: 91, windowMinutes: 300, resetsAt: 1_795_000_000 }, secondary: null, updatedAt: "2026-11-27T18:06:00Z" })}\n\n`,
  `event: quota\ndata: ${JSON.stringify(quotaAt(91, 80))}\n\n`,
  `event: auth\ndata: ${JSON.stringify({ type: "refreshed", at: "2026-11-27T18:07:00Z" })}\n\n`,
  "event: request\ndata: {not json}\n\n",
  `event: something_new\ndata: {}\n\n`,
].join("");

let server: Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function sendInPieces(res: ServerResponse, text: string, size: number): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const piece of chunkEvery(text, size)) res.write(piece);
  res.end();
}

describe("createServerClient", () => {
  it("reads /v1/status in the server's own shape, sending the API key as Bearer", async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(statusBody));
    });
    const status = await createServerClient({ baseUrl: `${url}/`, apiKey: "key-123" }).getStatus();
    expect(seen).toEqual(["Bearer key-123"]);
    expect(status).toEqual(statusBody);
  });

  it("parses the management stream whatever the chunk boundaries, skipping unknown, broken and foreign-shaped events", async () => {
    for (const size of [1, 7, 64, 100_000]) {
      const url = await serve((_req, res) => sendInPieces(res, sse, size));
      const events: ManagementEvent[] = [];
      let opened = false;
      await createServerClient({ baseUrl: url }).watchEvents({
        signal: new AbortController().signal,
        onOpen: () => {
          opened = true;
        },
        onEvent: (event) => events.push(event),
      });
      expect(opened).toBe(true);
      expect(events.map((e) => e.type)).toEqual(["snapshot", "request", "quota", "auth"]);
      const [snapshot, request, quota] = events;
      expect(snapshot?.type === "snapshot" && snapshot.data.recent[0]?.usage?.reasoning).toBe(2);
      expect(request?.type === "request" && request.data.state).toBe("running");
      expect(quota?.type === "quota" && quota.data.primary?.used_percent).toBe(91);
      await new Promise<void>((resolve) => server?.close(() => resolve()));
      server = null;
    }
  });

  it("stops reading when aborted", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(
        `event: auth\ndata: ${JSON.stringify({ type: "refreshed", at: "2026-11-27T18:07:00Z" })}\n\n`,
      );
    });
    const controller = new AbortController();
    const done = createServerClient({ baseUrl: url }).watchEvents({
      signal: controller.signal,
      onEvent: () => controller.abort(),
    });
    await expect(done).resolves.toBeUndefined();
  });

  it("gives up on a server that never answers, and on a stream that goes quiet", async () => {
    const url = await serve((req, res) => {
      if (req.url === "/v1/management/events") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(": hello\n\n");
      }
      // Otherwise: never answer.
    });
    const client = createServerClient({ baseUrl: url, requestTimeoutMs: 200, idleTimeoutMs: 300 });
    const hung = await client.getStatus().catch((e: unknown) => e);
    expect(ServerError.isInstance(hung) && hung.code).toBe("unreachable");
    expect((hung as Error).message).toContain("did not answer in time");
    let opened = false;
    const quiet = await client
      .watchEvents({
        signal: new AbortController().signal,
        onOpen: () => {
          opened = true;
        },
        onEvent: () => {},
      })
      .catch((e: unknown) => e);
    expect(opened).toBe(true);
    expect(ServerError.isInstance(quiet) && quiet.message).toBe("the management stream went quiet");
    server?.closeAllConnections();
  });

  it("reads the model catalog fields the models screen shows", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          object: "list",
          data: [
            {
              id: "gpt-5.2",
              object: "model",
              created: 1_767_224_600,
              owned_by: "openai",
              type: "model",
              display_name: "GPT-5.2",
              context_window: 272000,
              context_length: 272000,
              max_output_tokens: 128000,
              reasoning_efforts: ["low", "high"],
              default_reasoning_effort: "high",
              input_modalities: ["text", "image"],
            },
            {
              id: "gpt-5.2-high",
              object: "model",
              reasoning_efforts: ["high"],
              default_reasoning_effort: null,
              input_modalities: [],
              parent: "gpt-5.2",
            },
          ],
        }),
      );
    });
    const models = await createServerClient({ baseUrl: url }).getModels();
    expect(models).toEqual([
      {
        id: "gpt-5.2",
        contextWindow: 272000,
        maxOutputTokens: 128000,
        efforts: ["low", "high"],
        defaultEffort: "high",
        inputModalities: ["text", "image"],
      },
      {
        id: "gpt-5.2-high",
        contextWindow: null,
        maxOutputTokens: null,
        efforts: ["high"],
        defaultEffort: null,
        inputModalities: [],
      },
    ]);
  });

  it("fails with typed errors that never contain the API key", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"bad key"}}');
    });
    const error = await createServerClient({ baseUrl: url, apiKey: "sk-secret-key" })
      .getStatus()
      .catch((e: unknown) => e);
    expect(ServerError.isInstance(error) && error.code).toBe("unauthorized");
    expect(String((error as Error).message)).toContain("refused CMP_API_KEY");
    expect(String((error as Error).message)).not.toContain("sk-secret-key");

    const noKey = await createServerClient({ baseUrl: url })
      .getStatus()
      .catch((e: unknown) => e);
    expect((noKey as Error).message).toContain("set CMP_API_KEY");
  });

  it("reports an unreachable server and a wrong shape", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"hello":1}');
    });
    const wrong = await createServerClient({ baseUrl: url })
      .getStatus()
      .catch((e: unknown) => e);
    expect(ServerError.isInstance(wrong) && wrong.code).toBe("bad_response");
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = null;
    const down = await createServerClient({ baseUrl: url })
      .getStatus()
      .catch((e: unknown) => e);
    expect(ServerError.isInstance(down) && down.code).toBe("unreachable");
  });

  it("lists, creates and revokes named keys on the management API, with the key as Bearer", async () => {
    const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];
    const info = apiKey("ci-bot", { admin: true });
    const url = await serve((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        const json = (status: number, value: unknown) =>
          res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
        if (req.method === "GET") json(200, { object: "list", data: [info] });
        else if (req.method === "POST") json(201, { key: "cmp-sk-secret", info });
        else json(200, { object: "api_key.deleted", name: "ci-bot", deleted: true });
      });
    });
    const client = createServerClient({ baseUrl: url, apiKey: "admin-key" });
    expect(await client.listKeys()).toEqual([info]);
    const request = { name: "ci-bot", budget_tokens: 500_000, per: "day" as const, admin: true };
    expect(await client.createKey(request)).toEqual({ key: "cmp-sk-secret", info });
    await client.revokeKey("ci bot/1");
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /v1/management/keys",
      "POST /v1/management/keys",
      "DELETE /v1/management/keys/ci%20bot%2F1",
    ]);
    expect(seen.every((s) => s.auth === "Bearer admin-key")).toBe(true);
    expect(JSON.parse(seen[1]?.body ?? "")).toEqual(request);
  });

  it("tells a key that is not an admin key (403) from a server without named keys (404)", async () => {
    let status = 403;
    const url = await serve((_req, res) => {
      const body =
        status === 403
          ? {
              error: {
                message: "This needs an admin key.",
                type: "permission_error",
                code: "admin_required",
              },
            }
          : status === 404
            ? {
                error: {
                  message: "Unsupported endpoint",
                  type: "invalid_request_error",
                  code: "unsupported_endpoint",
                },
              }
            : { nothing: true };
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    const client = createServerClient({ baseUrl: url, apiKey: "plain-key" });
    const forbidden = await client.listKeys().catch((e: unknown) => e);
    expect(
      ServerError.isInstance(forbidden) && [forbidden.code, forbidden.apiCode, forbidden.status],
    ).toEqual(["forbidden", "admin_required", 403]);
    expect((forbidden as Error).message).toContain("This needs an admin key.");
    expect((forbidden as Error).message).not.toContain("plain-key");
    status = 404;
    const missing = await client.createKey({ name: "x" }).catch((e: unknown) => e);
    expect(ServerError.isInstance(missing) && missing.code).toBe("not_found");
    status = 200;
    const odd = await client.listKeys().catch((e: unknown) => e);
    expect(ServerError.isInstance(odd) && odd.code).toBe("bad_response");
    status = 401;
    const refused = await client.revokeKey("x").catch((e: unknown) => e);
    expect(ServerError.isInstance(refused) && refused.code).toBe("unauthorized");
  });
});
