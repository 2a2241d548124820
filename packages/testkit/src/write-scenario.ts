import type { ServerResponse } from "node:http";
import { isDelayStep, isRawStep, type Scenario } from "./scenario.js";
import { encodeSseEvent } from "./sse-encode.js";

function pause(ms: number, closed: Promise<void>): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void closed.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Writes a scenario to a response: after `headDelayMs`, a plain body, or SSE events with their pauses,
 * then the scripted end (`close`, `reset` or `stall`) or an endless `trickle`. Stops as soon as the
 * client goes away.
 */
export async function writeScenario(
  res: ServerResponse,
  scenario: Scenario,
  baseHeaders: Record<string, string>,
): Promise<void> {
  const status = scenario.status ?? 200;
  if (scenario.headDelayMs !== undefined) {
    // The request's socket closes when the client gives up on the head.
    const gone = new Promise<void>((resolve) => res.once("close", resolve));
    await pause(scenario.headDelayMs, gone);
    if (res.destroyed || !res.writable) return;
  }
  if (scenario.body !== undefined) {
    res.writeHead(status, {
      "content-type": "application/json",
      ...baseHeaders,
      ...scenario.headers,
      "content-length": String(Buffer.byteLength(scenario.body)),
    });
    res.end(scenario.body);
    return;
  }
  let isClosed = false;
  const closed = new Promise<void>((resolve) => {
    res.once("close", () => {
      isClosed = true;
      resolve();
    });
  });
  res.writeHead(status, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    ...baseHeaders,
    ...scenario.headers,
  });
  res.flushHeaders();
  let flushed = Promise.resolve();
  for (const step of scenario.events ?? []) {
    if (isClosed) return;
    if (isDelayStep(step)) {
      await pause(step.delayMs, closed);
      continue;
    }
    await pause(scenario.eventDelayMs ?? 0, closed);
    if (isClosed) return;
    const text = isRawStep(step) ? step.raw : encodeSseEvent(step);
    flushed = new Promise<void>((resolve) => res.write(text, () => resolve()));
  }
  if (scenario.trickle !== undefined) {
    const { text, everyMs } = scenario.trickle;
    while (!isClosed) {
      res.write(text);
      await pause(everyMs, closed);
    }
    return;
  }
  switch (scenario.end ?? "close") {
    case "close":
      res.end();
      return;
    case "reset": {
      // Let the client read what was sent before the RST, which would otherwise discard it.
      await flushed;
      await pause(50, closed);
      const socket = res.socket;
      if (socket && "resetAndDestroy" in socket && typeof socket.resetAndDestroy === "function") {
        socket.resetAndDestroy();
      } else {
        res.destroy();
      }
      return;
    }
    case "stall":
      await closed;
      return;
  }
}
