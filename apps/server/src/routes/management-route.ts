import type { SnapshotEvent } from "@cmp/protocol";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";
import { SseWriter } from "../http/sse-writer.js";
import type { ManagementEvent } from "../state/management-bus.js";
import { buildStatus } from "./status-route.js";

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * `GET /v1/management/events`: the dashboard's live stream (SSE). First a `snapshot`
 * `{ status, recent }`, then `request`, `quota` and `auth` events as they happen.
 */
export async function handleManagementEvents(ctx: AppContext, http: HttpContext): Promise<void> {
  const { req, res } = http;
  {
    const writer = new SseWriter(res, ctx.config.keepAliveMs);
    const queued: ManagementEvent[] = [];
    let ready = false;
    const unsubscribe = ctx.bus.subscribe((event) => {
      if (!ready) queued.push(event);
      else writer.write(frame(event.type, event.data));
    });
    const stop = () => {
      unsubscribe();
      writer.end();
    };
    req.on("close", unsubscribe);
    ctx.deps.shutdownSignal?.addEventListener("abort", stop, { once: true });
    res.once("close", () => ctx.deps.shutdownSignal?.removeEventListener("abort", stop));
    const status = await buildStatus(ctx);
    writer.start();
    writer.armKeepAlive();
    const snapshot: SnapshotEvent = { status, recent: ctx.tracker.recent() };
    writer.write(frame("snapshot", snapshot));
    ready = true;
    for (const event of queued.splice(0)) writer.write(frame(event.type, event.data));
  }
}
