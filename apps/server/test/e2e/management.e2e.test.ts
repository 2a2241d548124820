import { type ManagementEvent, parseManagementEvent, serverStatusSchema } from "@cmp/protocol";
import type { ServerProcess } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnvironment, type Environment, startBuiltServer } from "./e2e-environment.js";

// The dashboard reads the management stream and /v1/status with @cmp/protocol's schemas; this checks
// that what the built server sends parses with them, field for field.

let environment: Environment;
let server: ServerProcess;

beforeAll(async () => {
  environment = await createEnvironment();
  server = await startBuiltServer(environment.env);
});
afterAll(async () => {
  await server?.stop();
  await environment?.cleanup();
});

/** Reads SSE frames from `body` until `until` accepts the events parsed so far. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  until: (events: ManagementEvent[]) => boolean,
): Promise<ManagementEvent[]> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const events: ManagementEvent[] = [];
  let buffer = "";
  try {
    while (!until(events)) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = frame.split("\n");
        const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
        const data = lines.find((l) => l.startsWith("data: "))?.slice(6);
        if (event === undefined || data === undefined) continue; // keep-alive comments
        const parsed = parseManagementEvent({ event, data });
        if (!parsed.success) throw new Error(`${parsed.error.code}: ${parsed.error.message}\n${data}`);
        events.push(parsed.value);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}

describe("the management protocol on the wire", () => {
  it("/v1/status and every management event parse with @cmp/protocol", async () => {
    const status = serverStatusSchema.safeParse(await (await fetch(`${server.url}/v1/status`)).json());
    expect(status.success, status.error?.message).toBe(true);
    expect(status.data).toMatchObject({ logged_in: true, account: { email: "user@example.com" } });

    const controller = new AbortController();
    const stream = await fetch(`${server.url}/v1/management/events`, { signal: controller.signal });
    const reading = readEvents(stream.body!, (events) =>
      events.some((e) => e.type === "request" && e.data.state === "done"),
    );
    // The route subscribes before it sends its headers, so this request's events are on the stream.
    const chat = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(chat.status).toBe(200);
    const events = await reading;
    controller.abort();

    expect(events[0]?.type).toBe("snapshot");
    const requests = events.flatMap((e) => (e.type === "request" ? [e.data] : []));
    expect(requests.map((r) => r.state)).toEqual(["running", "done"]);
    expect(requests[1]).toMatchObject({ api: "chat", model: "gpt-5.4", stream: false, status: 200 });
    expect(requests[1]?.usage?.input).toBeGreaterThan(0);
    expect(events.some((e) => e.type === "quota")).toBe(true);
  });
});
