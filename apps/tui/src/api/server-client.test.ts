import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createServerClient, type ManagementEvent } from "./server-client.js";
import { ServerError } from "./server-error.js";

const statusBody = {
  logged_in: true,
  account: { email: "a@b.c", plan: "pro", account_id: "acc_1" },
  token: { expires_at: "2026-11-27T20:00:00Z", last_refresh: "2026-11-27T18:00:00Z" },
  quota: {
    primary: { used_percent: 42.5, window_minutes: 300, resets_at: "2026-11-27T21:00:00Z" },
    secondary: { used_percent: 77.25, window_minutes: 10080, resets_at: "2026-12-01T00:00:00Z" },
    updated_at: "2026-11-27T18:05:00Z",
  },
};

const record = {
  id: "req_1",
  startedAt: "2026-11-27T18:00:00.000Z",
  model: "gpt-5.2",
  slug: "gpt-5.2",
  effort: "high",
  stream: true,
  state: "done",
  status: 200,
  ttftMs: 300,
  durationMs: 1500,
  usage: { input: 10, cached: 0, output: 5, reasoning: 2 },
  error: null,
};

const sse = [
  `event: snapshot\ndata: ${JSON.stringify({ status: statusBody, recent: [record] })}\n\n`,
  ": keep-alive\n\n",
  `event: request\ndata: ${JSON.stringify({ ...record, id: "req_2", state: "running", usage: null })}\n\n`,
  // The codex client's camelCase snapshot, and a unix-seconds reset time.
  `event: quota\ndata: ${JSON.stringify({ primary: { usedPercent: 91, windowMinutes: 300, resetsAt: 1_795_000_000 }, secondary: null, updatedAt: "2026-11-27T18:06:00Z" })}\n\n`,
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
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) res.write(bytes.subarray(i, i + size));
  res.end();
}

describe("createServerClient", () => {
  it("reads /v1/status into dates and numbers, sending the API key as Bearer", async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(statusBody));
    });
    const status = await createServerClient({ baseUrl: `${url}/`, apiKey: "key-123" }).getStatus();
    expect(seen).toEqual(["Bearer key-123"]);
    expect(status.loggedIn).toBe(true);
    expect(status.account?.email).toBe("a@b.c");
    expect(status.token?.expiresAt?.toISOString()).toBe("2026-11-27T20:00:00.000Z");
    expect(status.quota?.secondary?.usedPercent).toBe(77.25);
  });

  it("parses the management stream whatever the chunk boundaries, skipping unknown and broken events", async () => {
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
      expect(snapshot?.type === "snapshot" && snapshot.recent[0]?.usage?.reasoning).toBe(2);
      expect(request?.type === "request" && request.record.state).toBe("running");
      expect(quota?.type === "quota" && quota.quota.primary?.resetsAt?.getTime()).toBe(1_795_000_000_000);
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
              context_window: 272000,
              max_output_tokens: 128000,
              supported_reasoning_levels: [{ effort: "low" }, { effort: "high" }],
              default_reasoning_level: "high",
              input_modalities: ["text", "image"],
            },
            { id: "gpt-5.2-high", object: "model", context_length: 400000, reasoning_efforts: ["high"] },
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
        contextWindow: 400000,
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
});
