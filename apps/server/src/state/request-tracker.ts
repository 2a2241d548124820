import { randomBytes } from "node:crypto";
import type { ManagementBus } from "./management-bus.js";
import type { RequestRecord } from "./request-record.js";

// Request ids: a per-process random prefix and a counter (unique, cheap, not guessable across restarts).
const ID_PREFIX = `req_${randomBytes(6).toString("hex")}`;
let sequence = 0;

/** Keeps the recent API requests and announces their start and end on the management bus. */
export class RequestTracker {
  private readonly recentRecords: RequestRecord[] = [];
  private readonly startTimes = new WeakMap<RequestRecord, number>();

  constructor(
    private readonly bus: ManagementBus,
    private readonly now: () => number,
    private readonly recentLimit = 50,
  ) {}

  /** Opens a record for a new API request. */
  start(fields: { model: string | null; stream: boolean; api: RequestRecord["api"] }): RequestRecord {
    const startedAt = this.now();
    const record: RequestRecord = {
      id: `${ID_PREFIX}${(++sequence).toString(36).padStart(6, "0")}`,
      startedAt: new Date(startedAt).toISOString(),
      model: fields.model,
      slug: null,
      effort: null,
      stream: fields.stream,
      api: fields.api,
      state: "running",
      status: null,
      ttftMs: null,
      durationMs: null,
      usage: null,
      error: null,
    };
    this.startTimes.set(record, startedAt);
    if (this.bus.size > 0) this.bus.publish({ type: "request", data: { ...record } });
    return record;
  }

  /** Milliseconds since the record started. */
  elapsed(record: RequestRecord): number {
    return this.now() - (this.startTimes.get(record) ?? this.now());
  }

  /** Marks the first token sent to the client (once). */
  markFirstToken(record: RequestRecord): void {
    if (record.ttftMs === null) record.ttftMs = this.elapsed(record);
  }

  /** Closes a record (once) and announces it. */
  finish(record: RequestRecord, status: number, error: string | null = null): void {
    if (record.state !== "running") return;
    record.status = status;
    record.error = error;
    record.state = error === null && status < 400 ? "done" : "error";
    record.durationMs = this.elapsed(record);
    this.recentRecords.push(record);
    if (this.recentRecords.length > this.recentLimit) this.recentRecords.shift();
    if (this.bus.size > 0) this.bus.publish({ type: "request", data: { ...record } });
  }

  /** The most recent finished requests, oldest first. */
  recent(): RequestRecord[] {
    return this.recentRecords.map((r) => ({ ...r }));
  }
}
