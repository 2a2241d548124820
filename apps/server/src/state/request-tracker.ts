import { randomBytes } from "node:crypto";
import type { ManagementBus } from "./management-bus.js";
import type { RequestRecord } from "./request-record.js";

// Request ids: a per-process random prefix and a counter (unique, cheap, not guessable across restarts).
const ID_PREFIX = `req_${randomBytes(6).toString("hex")}`;
let sequence = 0;

/**
 * A record with its start time in a private field: copies (`{ ...record }`) and JSON leave it out, and
 * unlike a `WeakMap` entry it costs the garbage collector nothing extra.
 */
class TrackedRecord implements RequestRecord {
  readonly #startedAtMs: number;
  readonly id: string;
  readonly startedAt: string;
  model: string | null;
  slug: string | null = null;
  effort: string | null = null;
  stream: boolean;
  api: RequestRecord["api"];
  state: RequestRecord["state"] = "running";
  status: number | null = null;
  ttftMs: number | null = null;
  durationMs: number | null = null;
  usage: RequestRecord["usage"] = null;
  error: string | null = null;
  // Set later (by the pool, the key check and the request log): declared here so that every record has
  // one shape, which keeps the code that reads records monomorphic.
  account: string | null = null;
  key: string | null = null;
  errorCode: string | null = null;

  constructor(
    id: string,
    startedAtMs: number,
    fields: { model: string | null; stream: boolean; api: RequestRecord["api"] },
  ) {
    this.#startedAtMs = startedAtMs;
    this.id = id;
    this.startedAt = new Date(startedAtMs).toISOString();
    this.model = fields.model;
    this.stream = fields.stream;
    this.api = fields.api;
  }

  get startedAtMs(): number {
    return this.#startedAtMs;
  }
}

/** Keeps the recent API requests and announces their start and end on the management bus. */
export class RequestTracker {
  private readonly recentRecords: RequestRecord[] = [];

  constructor(
    private readonly bus: ManagementBus,
    private readonly now: () => number,
    private readonly recentLimit = 50,
  ) {}

  /** Opens a record for a new API request. */
  start(fields: { model: string | null; stream: boolean; api: RequestRecord["api"] }): RequestRecord {
    const record = new TrackedRecord(
      `${ID_PREFIX}${(++sequence).toString(36).padStart(6, "0")}`,
      this.now(),
      fields,
    );
    if (this.bus.watched) this.bus.publish({ type: "request", data: { ...record } });
    return record;
  }

  /** Milliseconds since the record started. */
  elapsed(record: RequestRecord): number {
    return record instanceof TrackedRecord ? this.now() - record.startedAtMs : 0;
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
    if (this.bus.watched) this.bus.publish({ type: "request", data: { ...record } });
  }

  /** The most recent finished requests, oldest first. */
  recent(): RequestRecord[] {
    return this.recentRecords.map((r) => ({ ...r }));
  }
}
