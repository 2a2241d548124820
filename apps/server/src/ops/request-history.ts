import type { RequestRecord } from "@cmp/protocol";
import type { Store } from "@cmp/store";
import { redactSecrets } from "./redact-secrets.js";

/** The store namespace and list of the request history. */
export const HISTORY_NAMESPACE = "history";
const HISTORY_KEY = "requests";
/** The longest request body kept in a history entry (`CMP_LOG_BODIES=1`), as JSON text. */
export const MAX_LOGGED_BODY_CHARS = 16_384;

/** One history entry: the finished request's record, and its body with `CMP_LOG_BODIES=1`. */
export type HistoryEntry = RequestRecord & { body?: unknown };

/** The filters of `GET /v1/management/requests`. */
export interface HistoryQuery {
  /** Only requests of this named key. */
  key?: string;
  /** `429` (exact), `4xx`/`5xx` (a class), `ok` or `error` (the record's state). */
  status?: string;
  /** Only requests that started at or after this instant (ms). */
  since?: number;
  /** At most this many, newest first. */
  limit: number;
}

function matchesStatus(entry: RequestRecord, status: string): boolean {
  if (status === "ok") return entry.state === "done";
  if (status === "error") return entry.state === "error";
  if (/^[1-5]xx$/i.test(status)) return Math.floor((entry.status ?? 0) / 100) === Number(status[0]);
  return String(entry.status) === status;
}

/**
 * The last finished requests (`CMP_HISTORY_SIZE`, default 1 000) in the operator store: a capped list
 * shared by every replica and kept across restarts (Redis; or files under `CMP_HOME/store`). Entries
 * are request records (key name, account, model, effort, API, status, latency, time to first token,
 * tokens, error code), never bodies, unless `CMP_LOG_BODIES=1`, and then with secrets redacted.
 *
 * Entries wait in this process until {@link flush} (`Operations` flushes within 5 s, and
 * {@link page} first), so that a busy server writes the list once per flush instead of once per
 * request; at most `size` wait, as older ones would be cut from the list anyway.
 */
export class RequestHistory {
  private pending: HistoryEntry[] = [];

  constructor(
    private readonly store: Store,
    private readonly size: number,
    private readonly logBodies: boolean,
  ) {}

  /** How many entries wait for {@link flush}. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Adds a finished request (a copy of `record`: the caller's object may still change); `body` is kept
   * only with `CMP_LOG_BODIES=1`, redacted and cut to size.
   */
  add(record: RequestRecord, body: unknown): void {
    const entry: HistoryEntry = { ...record };
    if (this.logBodies && body !== undefined) entry.body = loggedBody(body);
    this.pending.push(entry);
    if (this.pending.length > this.size) this.pending.shift();
  }

  /** Writes the waiting entries, oldest first (the list's head is the newest). Refused ones are lost. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    // One store operation for the batch: one append under the list's lock, or one Redis script.
    await this.store.pushCapped(HISTORY_NAMESPACE, HISTORY_KEY, batch, this.size);
  }

  /** The entries that match `query`, newest first. */
  async page(query: HistoryQuery): Promise<HistoryEntry[]> {
    await this.flush();
    const entries = await this.store.readList<HistoryEntry>(HISTORY_NAMESPACE, HISTORY_KEY, {
      limit: this.size,
    });
    const out: HistoryEntry[] = [];
    for (const entry of entries) {
      if (out.length >= query.limit) break;
      if (query.key !== undefined && entry.key !== query.key) continue;
      if (query.status !== undefined && !matchesStatus(entry, query.status)) continue;
      if (query.since !== undefined && Date.parse(entry.startedAt) < query.since) continue;
      out.push(entry);
    }
    return out;
  }
}

/** The body as kept: secrets redacted, and a body longer than the cap as a cut JSON text. */
function loggedBody(body: unknown): unknown {
  const redacted = redactSecrets(body);
  const text = JSON.stringify(redacted) ?? "";
  return text.length <= MAX_LOGGED_BODY_CHARS
    ? redacted
    : { truncated: true, text: text.slice(0, MAX_LOGGED_BODY_CHARS) };
}
