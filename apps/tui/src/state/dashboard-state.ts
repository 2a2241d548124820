import type {
  AccountEvent,
  AccountStatus,
  AuthEvent,
  ManagementEvent,
  QuotaStatus,
  RequestRecord,
  ServerStatus,
} from "@cmp/protocol";

/** Token and request counts of one model over the session. */
export interface ModelTotals {
  model: string;
  requests: number;
  errors: number;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** Token and request counts of one API key over the session; `key` is `null` for requests without a named key. */
export interface KeyTotals {
  key: string | null;
  requests: number;
  errors: number;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** One line of the error feed. */
export interface FeedError {
  id: string;
  at: Date;
  message: string;
}

/** Everything the dashboard shows about the server, built from its status and management events. */
export interface DashboardState {
  status: ServerStatus | null;
  quota: QuotaStatus | null;
  /** Requests in flight, oldest first. */
  running: RequestRecord[];
  /** Finished requests, append-only (rendered once with `<Static>`). */
  finished: RequestRecord[];
  totals: ModelTotals[];
  /** Per API key, in the order the keys were first seen. */
  keyTotals: KeyTotals[];
  /**
   * The server's account pool (`accounts` of `/v1/status`), kept current by `account` events between
   * status reads; `null` when the server reports no pool (one login, shown from `status`).
   */
  accounts: AccountStatus[] | null;
  errors: FeedError[];
  authEvents: AuthEvent[];
  finishedIds: ReadonlySet<string>;
  /** Sequence number for error feed keys. */
  errorSeq: number;
}

/** A change to the dashboard state. */
export type DashboardAction =
  | ManagementEvent
  | { type: "status"; status: ServerStatus }
  | { type: "problem"; at: Date; message: string };

const maxErrors = 50;
const maxAuthEvents = 5;

/** The state before anything is known. */
export const initialDashboardState: DashboardState = {
  status: null,
  quota: null,
  running: [],
  finished: [],
  totals: [],
  keyTotals: [],
  accounts: null,
  errors: [],
  authEvents: [],
  finishedIds: new Set(),
  errorSeq: 0,
};

/** The model a record is shown under: the one the client asked for, else the backend slug. */
export function modelOf(record: RequestRecord): string {
  return record.model ?? record.slug ?? "unknown";
}

const startedMs = (record: RequestRecord) => Date.parse(record.startedAt);

function addToTotals(totals: ModelTotals[], record: RequestRecord): ModelTotals[] {
  const model = modelOf(record);
  const index = totals.findIndex((t) => t.model === model);
  const previous = totals[index] ?? {
    model,
    requests: 0,
    errors: 0,
    input: 0,
    cached: 0,
    output: 0,
    reasoning: 0,
  };
  const next: ModelTotals = {
    model,
    requests: previous.requests + 1,
    errors: previous.errors + (record.state === "error" ? 1 : 0),
    input: previous.input + (record.usage?.input ?? 0),
    cached: previous.cached + (record.usage?.cached ?? 0),
    output: previous.output + (record.usage?.output ?? 0),
    reasoning: previous.reasoning + (record.usage?.reasoning ?? 0),
  };
  return index === -1 ? [...totals, next] : totals.map((t, i) => (i === index ? next : t));
}

function addToKeyTotals(totals: KeyTotals[], record: RequestRecord): KeyTotals[] {
  const key = record.key ?? null;
  const index = totals.findIndex((t) => t.key === key);
  const previous = totals[index] ?? {
    key,
    requests: 0,
    errors: 0,
    input: 0,
    cached: 0,
    output: 0,
    reasoning: 0,
  };
  const next: KeyTotals = {
    key,
    requests: previous.requests + 1,
    errors: previous.errors + (record.state === "error" ? 1 : 0),
    input: previous.input + (record.usage?.input ?? 0),
    cached: previous.cached + (record.usage?.cached ?? 0),
    output: previous.output + (record.usage?.output ?? 0),
    reasoning: previous.reasoning + (record.usage?.reasoning ?? 0),
  };
  return index === -1 ? [...totals, next] : totals.map((t, i) => (i === index ? next : t));
}

/**
 * Moves one account to the state an `account` event names. An account the list does not hold yet (it
 * joined the pool since the last status read) is added; the next status read fills in its details.
 */
function applyAccountEvent(accounts: AccountStatus[] | null, event: AccountEvent): AccountStatus[] {
  const list = accounts ?? [];
  const index = list.findIndex((a) => a.name === event.name);
  const previous: AccountStatus = list[index] ?? {
    name: event.name,
    email: null,
    plan: null,
    state: event.state,
    primary: null,
    secondary: null,
    cooldown_until: null,
    last_error: null,
    requests: 0,
  };
  const next: AccountStatus = {
    ...previous,
    state: event.state,
    cooldown_until: event.state === "cooling_down" ? event.until : null,
    // A recovery clears the reason; other moves keep the last one when the event names none.
    last_error: event.reason ?? (event.state === "active" ? null : previous.last_error),
  };
  return index === -1 ? [...list, next] : list.map((a, i) => (i === index ? next : a));
}

function describeAccountEvent(event: AccountEvent): string | null {
  const why = event.reason ? `: ${event.reason}` : "";
  switch (event.state) {
    case "cooling_down":
      return `account ${event.name} is cooling down${why}`;
    case "needs_login":
      return `account ${event.name} needs a login${why} (cmp-server login --account ${event.name})`;
    default:
      return null;
  }
}

function pushError(state: DashboardState, at: Date, message: string): DashboardState {
  const errors = [...state.errors, { id: `e${state.errorSeq}`, at, message }].slice(-maxErrors);
  return { ...state, errors, errorSeq: state.errorSeq + 1 };
}

function describeFailure(record: RequestRecord): string {
  const status = record.status === null ? "" : ` HTTP ${record.status}`;
  const who = [record.key ? `key ${record.key}` : null, record.account ? `account ${record.account}` : null]
    .filter(Boolean)
    .join(", ");
  return `${modelOf(record)}${status}: ${record.error ?? record.errorCode ?? "request failed"}${who ? ` (${who})` : ""}`;
}

function finish(state: DashboardState, records: RequestRecord[]): DashboardState {
  let next = state;
  const fresh = records.filter((r) => !state.finishedIds.has(r.id));
  if (fresh.length === 0) return state;
  const finishedIds = new Set(state.finishedIds);
  let totals = state.totals;
  let keyTotals = state.keyTotals;
  for (const record of fresh) {
    finishedIds.add(record.id);
    totals = addToTotals(totals, record);
    keyTotals = addToKeyTotals(keyTotals, record);
    if (record.state === "error") next = pushError(next, new Date(record.startedAt), describeFailure(record));
  }
  const done = new Set(fresh.map((r) => r.id));
  const running = state.running.filter((r) => !done.has(r.id));
  return { ...next, finished: [...state.finished, ...fresh], totals, keyTotals, finishedIds, running };
}

/** Applies one status update or management event. Pure. */
export function reduceDashboard(state: DashboardState, action: DashboardAction): DashboardState {
  switch (action.type) {
    case "status":
      return {
        ...state,
        status: action.status,
        quota: action.status.quota ?? state.quota,
        accounts: action.status.accounts ?? null,
      };
    case "snapshot": {
      const { status, recent } = action.data;
      const byStart = [...recent].sort((a, b) => startedMs(a) - startedMs(b));
      const next = finish(
        { ...state, status, quota: status.quota ?? state.quota, accounts: status.accounts ?? null },
        byStart.filter((r) => r.state !== "running"),
      );
      return {
        ...next,
        running: byStart.filter((r) => r.state === "running" && !next.finishedIds.has(r.id)),
      };
    }
    case "request": {
      const record = action.data;
      if (record.state !== "running") return finish(state, [record]);
      if (state.finishedIds.has(record.id)) return state;
      const index = state.running.findIndex((r) => r.id === record.id);
      const running =
        index === -1 ? [...state.running, record] : state.running.map((r, i) => (i === index ? record : r));
      return { ...state, running };
    }
    case "quota":
      return { ...state, quota: action.data };
    case "auth": {
      const event = action.data;
      const authEvents = [...state.authEvents, event].slice(-maxAuthEvents);
      const next =
        event.type === "refresh_failed"
          ? pushError(state, new Date(event.at), "token refresh failed: log in again (press l)")
          : state;
      const status =
        event.type === "logged_out" && state.status
          ? { ...state.status, logged_in: false, account: null, token: null }
          : state.status;
      return { ...next, authEvents, status };
    }
    case "account": {
      const event = action.data;
      const accounts = applyAccountEvent(state.accounts, event);
      const message = describeAccountEvent(event);
      const next = message === null ? state : pushError(state, new Date(event.at), message);
      return { ...next, accounts };
    }
    case "problem":
      return pushError(state, action.at, action.message);
  }
}
