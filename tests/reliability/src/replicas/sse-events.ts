import { request } from "node:http";

/** One Server-Sent Event: its `event:` name (`message` when none) and its `data:` text. */
export interface SseEvent {
  event: string;
  data: string;
}

/** An open SSE response being read as it arrives. */
export interface SseStream {
  status: number;
  /** Every event received so far, in order. */
  readonly events: readonly SseEvent[];
  /**
   * Resolves with the first event (from index `from` on, default 0) that `predicate` accepts, or
   * `undefined` when none came within `timeoutMs` or the stream ended.
   */
  waitFor(
    predicate: (event: SseEvent) => boolean,
    timeoutMs: number,
    from?: number,
  ): Promise<SseEvent | undefined>;
  /** The body text of a non-200 answer (empty for an event stream). */
  errorText(): string;
  /** True once the server ended the stream or the connection broke. */
  readonly ended: boolean;
  /** Closes the connection (idempotent). */
  close(): void;
}

function parseFrame(frame: string): SseEvent | null {
  let event = "message";
  const data: string[] = [];
  for (const line of frame.split(/\r?\n/)) {
    if (line.startsWith(":") || line === "") continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length === 0 ? null : { event, data: data.join("\n") };
}

/**
 * Opens `GET path` on `baseUrl` and reads it as Server-Sent Events (the management stream). Resolves
 * when the response head arrived, or rejects when the connection fails first or after `timeoutMs`.
 */
export function openSseStream(
  baseUrl: string,
  path: string,
  options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<SseStream> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const listeners = new Set<() => void>();
    let ended = false;
    let pending = "";
    let errorText = "";
    const notify = () => {
      for (const listener of [...listeners]) listener();
    };
    const req = request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: Number(url.port),
        method: "GET",
        path,
        headers: { accept: "text/event-stream", ...options.headers },
        agent: false,
      },
      (res) => {
        clearTimeout(timer);
        res.setEncoding("utf8");
        const status = res.statusCode ?? 0;
        res.on("data", (text: string) => {
          if (status !== 200) {
            errorText += text;
            return;
          }
          pending += text;
          const frames = pending.split(/\r?\n\r?\n/);
          pending = frames.pop() ?? "";
          for (const frame of frames) {
            const event = parseFrame(frame);
            if (event) events.push(event);
          }
          notify();
        });
        const finish = () => {
          ended = true;
          notify();
        };
        res.on("end", finish);
        res.on("close", finish);
        res.on("error", finish);
        resolve({
          status,
          events,
          get ended() {
            return ended;
          },
          errorText: () => errorText,
          waitFor(predicate, timeoutMs, from = 0) {
            return new Promise((done) => {
              let checked = from;
              const check = () => {
                for (; checked < events.length; checked += 1) {
                  const event = events[checked];
                  if (event !== undefined && predicate(event)) return settle(event);
                }
                if (ended) settle(undefined);
              };
              const settle = (event: SseEvent | undefined) => {
                clearTimeout(giveUp);
                listeners.delete(check);
                done(event);
              };
              const giveUp = setTimeout(() => settle(undefined), timeoutMs);
              listeners.add(check);
              check();
            });
          },
          close() {
            req.destroy();
            ended = true;
            notify();
          },
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(
        new Error(`no response head from ${baseUrl}${path} within ${options.timeoutMs ?? 30_000} ms`),
      );
    }, options.timeoutMs ?? 30_000);
    req.on("error", (error) => {
      clearTimeout(timer);
      ended = true;
      notify();
      reject(error);
    });
    req.end();
  });
}
