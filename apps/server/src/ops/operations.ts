import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestRecord } from "@cmp/protocol";
import type { Store } from "@cmp/store";
import { OpenAIHttpError } from "@cmp/transform";
import type { Logger } from "pino";
import type { HttpContext } from "../http/http-context.js";
import { presentedApiKey } from "../middleware/api-key-auth.js";
import { hashApiKey, sameDigest } from "./api-key-secret.js";
import { KeyDirectory, type KeySnapshot } from "./key-directory.js";
import { LAST_USED_NAMESPACE } from "./key-info.js";
import { ApiKeyRegistry, type StoredApiKey } from "./key-registry.js";
import { RequestHistory } from "./request-history.js";
import { OPEN_IDENTITY, requestIdentity, STATIC_IDENTITY, setRequestIdentity } from "./request-identity.js";
import { UsageLedger } from "./usage-ledger.js";

/** How often at most one replica writes a key's last use. */
const LAST_USED_EVERY_MS = 60_000;
/**
 * How long usage and history wait in a replica before they are written to the store. Each flush costs
 * a fixed few store writes (a file lock, a read and an fsynced rewrite per counter on the embedded
 * store), whatever the number of requests: at 1 s usage and history cost 8–11 % of the CPU of a
 * request at 400 req/s (2 % of it without the writes); at 5 s metrics and accounting together cost
 * at most about 3 % (docs/performance.md). Budgets do not wait: a key with a token budget has its counter
 * written as each request ends.
 */
export const FLUSH_EVERY_MS = 5_000;
/** Usage counters (keys × accounts × models) that make a flush start at once (bounds the memory). */
const MAX_PENDING_COUNTERS = 1_000;

/** Options of {@link Operations}. */
export interface OperationsOptions {
  /** The operator store (`AppDeps.store`, or a memory store in tests). */
  store: Store;
  /** `CMP_API_KEYS`: unnamed keys with full access and no limits. */
  apiKeys: readonly string[];
  /** `CMP_API_KEY`: the dashboard's key, full access, accepted whenever a key is required. */
  dashboardApiKey: string | null;
  /** `CMP_HISTORY_SIZE`. */
  historySize: number;
  /** `CMP_LOG_BODIES=1`: keep request bodies (redacted) in the history. */
  logBodies: boolean;
  /** The app clock (budget periods, minutes, timestamps). */
  now: () => number;
  logger: Logger;
  /** How long the key registry copy is trusted (default 500 ms). */
  keyCacheTtlMs?: number;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

function isManagementPath(path: string): boolean {
  return path === "/v1/management" || path.startsWith("/v1/management/");
}

function seconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/**
 * Named API keys, their limits and usage, and the request history, for one app:
 * - {@link authorize} is the pipeline's key check (after the Host check, CORS and path normalisation);
 * - {@link admitModel} is called by every API route once it knows the model (`openApiRequest`);
 * - {@link annotate} and {@link finished} run when a request's record closes (`logRequest`).
 *
 * The request path stays cheap: without named keys it costs no store command (the registry copy is
 * read at most twice a second, and then without making a request wait); with them, a presented key is
 * a hash and a map lookup; only keys with limits cost store commands (one counter increment for a
 * requests-per-minute limit, one counter read for a token budget, made together) and only on the
 * routes that call the backend. Usage, the last use and the history are written after the answer.
 */
export class Operations {
  readonly store: Store;
  readonly registry: ApiKeyRegistry;
  readonly directory: KeyDirectory;
  readonly usage: UsageLedger;
  readonly history: RequestHistory;
  private readonly staticDigests: Buffer[];
  private readonly dashboardDigest: Buffer | null;
  private readonly lastUsedWritten = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(options: OperationsOptions) {
    this.store = options.store;
    this.now = options.now;
    this.logger = options.logger;
    this.registry = new ApiKeyRegistry(options.store, options.now);
    this.directory = new KeyDirectory(this.registry, {
      ...(options.keyCacheTtlMs === undefined ? {} : { ttlMs: options.keyCacheTtlMs }),
      onRefreshFailure: (error) =>
        this.logger.warn(
          { err: String(error) },
          "could not read the API keys from the store; using the last copy",
        ),
    });
    this.usage = new UsageLedger(options.store);
    this.history = new RequestHistory(options.store, options.historySize, options.logBodies);
    this.staticDigests = options.apiKeys.map(digest);
    this.dashboardDigest = options.dashboardApiKey ? digest(options.dashboardApiKey) : null;
  }

  /**
   * Listens for key changes announced by other replicas (and `keys` commands on a shared store) until
   * `signal` aborts. A subscription that fails is logged: the cache TTL still bounds staleness.
   */
  start(signal?: AbortSignal): void {
    if (signal?.aborted) return;
    this.directory.start(this.store).then(
      (stop) => {
        if (signal?.aborted) void stop().catch(() => undefined);
        else signal?.addEventListener("abort", () => void stop().catch(() => undefined), { once: true });
      },
      (error: unknown) => this.logger.warn({ err: String(error) }, "could not subscribe to API key changes"),
    );
  }

  /**
   * The key check of a request that is not public: decides who made it (see `RequestIdentity`), refuses
   * a missing or wrong key (401), a non-admin key on `/v1/management/*` (403), and, when `limited` (the
   * route calls the backend), a key over its requests per minute or token budget (429). Returns nothing
   * when it could decide at once, else a promise (the registry copy had to be read, or limits checked).
   */
  authorize(http: HttpContext, limited: boolean): Promise<void> | undefined {
    const given = presentedApiKey(http.req.headers.authorization, http.req.headers["x-api-key"]);
    // A CMP_API_KEYS key needs no registry at all.
    if (given !== null && this.staticDigests.length > 0 && this.matchesStatic(given)) {
      setRequestIdentity(http, STATIC_IDENTITY);
      return;
    }
    const fresh = this.directory.fresh();
    if (fresh !== null) return this.decide(http, given, fresh, limited);
    const last = this.directory.last();
    // No named keys when last read: answer from that copy and read again behind, so that a server without
    // named keys never makes a request wait for the store. Only a key that may be new needs the read.
    if (last !== null && last.size === 0 && (given === null || this.staticDigests.length === 0)) {
      this.directory.refresh().catch(() => undefined);
      return this.decide(http, given, last, limited);
    }
    return this.directory.refresh().then(
      (snapshot) => this.decide(http, given, snapshot, limited),
      (error: unknown) => {
        throw new OpenAIHttpError({
          status: 503,
          code: "store_unavailable",
          message: "The API keys cannot be checked right now (the operator store did not answer); try again.",
          headers: { "retry-after": "1" },
          cause: error,
        });
      },
    );
  }

  private matchesStatic(given: string): boolean {
    const d = digest(given);
    let ok = false;
    for (const expected of this.staticDigests) ok = timingSafeEqual(d, expected) || ok;
    if (this.dashboardDigest !== null) ok = timingSafeEqual(d, this.dashboardDigest) || ok;
    return ok;
  }

  private decide(
    http: HttpContext,
    given: string | null,
    snapshot: KeySnapshot,
    limited: boolean,
  ): Promise<void> | undefined {
    if (snapshot.size === 0 && this.staticDigests.length === 0) {
      setRequestIdentity(http, OPEN_IDENTITY);
      return;
    }
    if (given === null) {
      throw new OpenAIHttpError({
        status: 401,
        code: "missing_api_key",
        message:
          "This server requires an API key: send Authorization: Bearer <key> or x-api-key: <key> (a key from `cmp-server keys create`, or one of CMP_API_KEYS).",
      });
    }
    const hash = hashApiKey(given);
    const key = snapshot.byHash.get(hash);
    // The map finds the entry by hash; the comparison that decides is constant-time.
    if (key === undefined || !sameDigest(key.hash, hash)) {
      if (this.matchesStatic(given)) {
        setRequestIdentity(http, STATIC_IDENTITY);
        return;
      }
      throw new OpenAIHttpError({
        status: 401,
        code: "invalid_api_key",
        message: "Incorrect API key provided, or the key was revoked.",
      });
    }
    setRequestIdentity(http, { kind: "named", key });
    if (!key.admin && isManagementPath(http.path)) {
      throw new OpenAIHttpError({
        status: 403,
        code: "admin_required",
        message: `The key "${key.name}" may not use the management API: it needs an admin key (created with --admin, or one of CMP_API_KEYS).`,
      });
    }
    this.touch(key.name);
    return limited && (key.rpm !== null || key.budget !== null) ? this.checkLimits(key) : undefined;
  }

  /** Writes the key's last use, at most once a minute per replica, after the answer matters. */
  private touch(name: string): void {
    const now = this.now();
    if (now - (this.lastUsedWritten.get(name) ?? Number.NEGATIVE_INFINITY) < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(name, now);
    this.store
      .namespace(LAST_USED_NAMESPACE)
      .set(name, new Date(now).toISOString())
      .catch((error: unknown) =>
        this.logger.debug({ err: String(error) }, "could not write a key's last use"),
      );
  }

  private async checkLimits(key: StoredApiKey): Promise<void> {
    const now = this.now();
    try {
      await Promise.all([
        key.rpm === null ? undefined : this.checkRate(key, key.rpm, now),
        key.budget === null ? undefined : this.checkBudget(key, key.budget.tokens, now),
      ]);
    } catch (error) {
      if (OpenAIHttpError.isInstance(error)) throw error;
      // A key with limits is not let through unchecked: they are there to bound what it spends.
      throw new OpenAIHttpError({
        status: 503,
        code: "store_unavailable",
        message: `The limits of the key "${key.name}" cannot be checked right now (the operator store did not answer); try again.`,
        headers: { "retry-after": "1" },
        cause: error,
      });
    }
  }

  private async checkRate(key: StoredApiKey, rpm: number, now: number): Promise<void> {
    const { count, resetsAt } = await this.usage.countRequest(key.name, now);
    if (count <= rpm) return;
    throw new OpenAIHttpError({
      status: 429,
      code: "rate_limit_exceeded",
      message: `Rate limit reached for the key "${key.name}": ${rpm} requests per minute. It resets at ${new Date(resetsAt).toISOString()}.`,
      headers: { "retry-after": seconds(resetsAt - now) },
    });
  }

  private async checkBudget(key: StoredApiKey, tokens: number, now: number): Promise<void> {
    const { period, usage } = await this.usage.keyUsage(key, now);
    const used = usage.input + usage.output;
    if (used < tokens) return;
    throw new OpenAIHttpError({
      status: 429,
      code: "budget_exceeded",
      message: `The token budget of the key "${key.name}" is spent: ${used} of ${tokens} tokens this ${period.per} (UTC). It resets at ${new Date(period.end).toISOString()}.`,
      headers: { "retry-after": seconds(period.end - now) },
    });
  }

  /**
   * Called by every API route once it knows the model the client asked for (after the client profile):
   * puts the key's name on the record, and refuses (403 `model_not_allowed`) a model the key may not use.
   */
  admitModel(http: HttpContext, model: string, record: RequestRecord): void {
    const identity = requestIdentity(http);
    if (identity?.kind !== "named") return;
    const { key } = identity;
    record.key = key.name;
    if (key.models === null) return;
    const wanted = model.trim().toLowerCase();
    if (key.models.some((allowed) => allowed.toLowerCase() === wanted)) return;
    throw new OpenAIHttpError({
      status: 403,
      code: "model_not_allowed",
      param: "model",
      message: `The key "${key.name}" may not use the model "${model}". It may use: ${key.models.join(", ")}.`,
    });
  }

  /** Puts the key's name and the error code on a record that is about to close (for the log and the dashboard). */
  annotate(http: HttpContext, record: RequestRecord): void {
    const identity = requestIdentity(http);
    record.key = identity?.kind === "named" ? identity.key.name : null;
    record.errorCode = http.errorCode;
  }

  /**
   * After a request's record closed: adds its usage to its key's, account's and model's counters and
   * the record to the history. Only the counter of a key with a token budget is written at once; the
   * rest waits for the next flush, at most {@link FLUSH_EVERY_MS} later. A store that cannot answer
   * loses these (logged).
   */
  finished(http: HttpContext, record: RequestRecord): void {
    const identity = requestIdentity(http);
    this.usage
      .record(
        {
          key: identity?.kind === "named" ? identity.key : null,
          account: record.account,
          model: record.slug ?? record.model,
          usage: record.usage,
        },
        this.now(),
      )
      ?.catch((error: unknown) => this.lost(error, record.id));
    this.history.add(record, http.body);
    if (this.usage.pendingCount >= MAX_PENDING_COUNTERS) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  /** Writes the usage and history gathered so far; never rejects (what the store refused is logged). */
  flush(): Promise<void> {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    return Promise.all([this.usage.flush(this.now()), this.history.flush()]).then(
      () => undefined,
      (error: unknown) => this.lost(error, null),
    );
  }

  /** Writes what is gathered; the server calls it at shutdown, before it closes the store. */
  close(): Promise<void> {
    return this.flush();
  }

  private lost(error: unknown, id: string | null): void {
    this.logger.warn(
      { err: String(error), ...(id === null ? {} : { id }) },
      "could not record requests' usage or history",
    );
  }
}
