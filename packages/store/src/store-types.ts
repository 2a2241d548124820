import type { Keyv } from "keyv";

/** Options of `createStore`. */
export interface CreateStoreOptions {
  /**
   * Where the shared state lives. Unset: embedded (this process's memory, plus files in `folder` when
   * given). `redis://…` or `rediss://…` (TLS): a Redis server that every replica with the same URL and
   * `prefix` shares. Any other scheme is a `ConfigError`.
   */
  url?: string;
  /** The first part of every key, lock and channel, to keep several deployments on one Redis apart. Default `cmp`. */
  prefix?: string;
  /**
   * 32 bytes (see `parseStoreSecret`) that encrypt the values of secret namespaces. Required for Redis
   * (a Redis store without it is refused); optional for an embedded store, whose secret namespaces then
   * keep values as they are (they never leave the machine).
   */
  secret?: Uint8Array;
  /**
   * Embedded only: a folder (for example `$CMP_HOME/store`, created with mode 0700) for durable
   * namespaces, locks and compare-and-set that are shared by every process using the same folder.
   * Without it everything stays in this process.
   */
  folder?: string;
  /** Redis only: the longest wait for one command, and for the first connection. Default 5000 ms. */
  commandTimeoutMs?: number;
  /**
   * Called with each connection error (Redis unreachable, connection dropped), for logging. The store
   * reconnects by itself; operations meanwhile reject with `StoreUnavailableError`. Never called with
   * secrets: errors carry no values.
   */
  onError?: (error: Error) => void;
}

/** Options of `store.namespace`. */
export interface NamespaceOptions {
  /**
   * Embedded stores with a `folder` only: keep this namespace in this process's memory instead of
   * files (a hot cache that need not survive a restart nor be seen by other processes). Ignored
   * without a folder (always memory) and for Redis (always shared). Fixed when a name is first opened:
   * opening it again with the other value throws `StoreNameError`.
   */
  memoryOnly?: boolean;
}

/** Options of `store.lock`. */
export interface LockOptions {
  /**
   * The lease: a holder that stops renewing (crashed, frozen, cut off from Redis) loses the lock after
   * about this long, so others can take it. The lock renews itself every `ttlMs / 3` while held.
   * Default 30 000 ms. File locks need at least 2 000 ms (shorter values are raised).
   */
  ttlMs?: number;
  /** How long to wait for a lock held by someone else before `LockTimeoutError`. Default 10 000 ms; 0 = try once. */
  waitMs?: number;
}

/** A lock this process holds (see `store.lock`). */
export interface HeldLock {
  /** The lock's name as given to `store.lock`. */
  readonly name: string;
  /**
   * Aborted, with a `LockLostError` as its `reason`, when the lease is lost before `release()`. Pass it
   * to the work the lock protects, so that work stops when another holder may have started.
   */
  readonly signal: AbortSignal;
  /** True once the lease was lost (see `signal`). */
  readonly lost: boolean;
  /** Throws the `LockLostError` when the lease was lost; call it before each step that needs the lock. */
  assertHeld(): void;
  /**
   * Stops renewing and frees the lock, if this holder still holds it (never someone else's). Never
   * rejects: when the store cannot be reached the lease simply runs out. Calling it again does nothing.
   */
  release(): Promise<void>;
}

/** Options of `store.compareAndSet`. */
export interface CompareAndSetOptions {
  /** The new value's time to live. Without it the new value never expires (an earlier TTL is not kept). */
  ttlMs?: number;
  /** Work on the secret namespace `secretNamespace(namespace)` instead of the plain one. */
  secret?: boolean;
  /** As for `namespace(name, { memoryOnly })`; only needed when the namespace was not opened before. */
  memoryOnly?: boolean;
}

/** Options of `store.increment` and `store.incrementFields`. */
export interface CounterOptions {
  /**
   * The counter expires this long after this call (each call with a TTL sets it anew). Without it the
   * expiry stays as it was (none for a new counter).
   */
  ttlMs?: number;
}

/** Options of `store.readList`. */
export interface ReadListOptions {
  /** At most this many values, newest first. Default: the whole list. */
  limit?: number;
}

/** A message handler of `store.subscribe`. */
export type MessageHandler<T = unknown> = (message: T) => void;

/**
 * Shared state: namespaced key-value maps (Keyv), leased locks, compare-and-set, publish/subscribe and
 * encrypted secrets, embedded in this process (and a folder) or on Redis. Every method of a store and
 * of its namespaces rejects with `StoreUnavailableError` when the store cannot answer.
 */
export interface Store {
  /** `"embedded"` (memory and files) or `"redis"`. */
  readonly kind: "embedded" | "redis";
  /** The key prefix in use (`cmp` by default). */
  readonly prefix: string;
  /**
   * The key-value map `name` (1 to 100 of `[A-Za-z0-9._-]`), a Keyv: `get`, `set(key, value, ttlMs?)`,
   * `delete`, `has`, `clear`, `getMany`…. Values are anything JSON can carry. The same name returns
   * the same instance. On Redis its keys are `<prefix>:<name>:<key>`.
   */
  namespace(name: string, options?: NamespaceOptions): Keyv;
  /**
   * Like {@link namespace}, for values that are secrets (refresh tokens, API keys): each value is
   * sealed with the store secret (AES-256-GCM) before it is written, and opened on read. A value that
   * cannot be opened (changed, other secret) makes the read reject with `SecretBoxError`. Only values
   * are sealed: keys must never contain token material (use an account name or a hash). Its keys are
   * `<prefix>:secret.<name>:<key>`, so a secret namespace and a plain one never share keys.
   */
  secretNamespace(name: string, options?: NamespaceOptions): Keyv;
  /**
   * Takes the lock `name` with a lease (see {@link LockOptions}). Rejects with `LockTimeoutError` when
   * it stays held elsewhere for `waitMs`, `StoreUnavailableError` when the store cannot be reached.
   */
  lock(name: string, options?: LockOptions): Promise<HeldLock>;
  /**
   * Runs `task` while holding the lock `name` and releases it afterwards, whatever `task` does. `task`
   * gets the lock's `signal`; when the lease is lost, `withLock` rejects with the `LockLostError` even if
   * `task` ignored the signal and resolved.
   */
  withLock<T>(name: string, task: (signal: AbortSignal) => Promise<T>, options?: LockOptions): Promise<T>;
  /**
   * Writes `next` to `key` of the namespace (the secret one with `{ secret: true }`) only when the current value deep-equals `expected`, atomically against every other writer of
   * that key through compare-and-set (and, on Redis, every other writer at all). `expected` undefined
   * means "absent"; `next` undefined deletes the key. Returns whether it wrote.
   */
  compareAndSet<T>(
    namespace: string,
    key: string,
    expected: T | undefined,
    next: T | undefined,
    options?: CompareAndSetOptions,
  ): Promise<boolean>;
  /**
   * Sends `message` (anything JSON can carry) to every subscriber of `channel`, in this process and,
   * on Redis, in every replica. Fire and forget: no subscriber, no error. Delivery is asynchronous and
   * at most once (a subscriber cut off from Redis misses what was sent meanwhile).
   */
  publish(channel: string, message: unknown): Promise<void>;
  /**
   * Calls `handler` with each message published on `channel` (a JSON copy) until the returned
   * function is called. Resolves once the subscription is active. A throwing handler affects nothing else.
   */
  subscribe<T = unknown>(channel: string, handler: MessageHandler<T>): Promise<() => Promise<void>>;
  /**
   * Adds `by` (a safe integer, negative to subtract) to the counter `key` of `namespace` and resolves
   * with its new value; an absent or expired counter starts at 0. Atomic against every other caller, in
   * every replica (Redis `HINCRBY` + `PEXPIRE` in one script) or process on the folder (embedded: a queue
   * per key plus the key's file lock). It is the field `value` of the counter hash `key`
   * (see {@link incrementFields}, {@link readCounters}). Counters are apart from the namespace's Keyv
   * values: the same name holds both without either seeing the other.
   */
  increment(namespace: string, key: string, by: number, options?: CounterOptions): Promise<number>;
  /**
   * Adds each of `fields` (field → safe integer) to the counter hash `key` of `namespace` in one atomic
   * step, and resolves with every field of the hash after the change (fields never incremented are
   * absent). For usage counts of input, output and request numbers that must move together.
   */
  incrementFields(
    namespace: string,
    key: string,
    fields: Readonly<Record<string, number>>,
    options?: CounterOptions,
  ): Promise<Record<string, number>>;
  /** The fields of the counter hash `key` of `namespace` (`{}` when absent or expired). */
  readCounters(namespace: string, key: string): Promise<Record<string, number>>;
  /**
   * Puts `values` (each anything JSON can carry; oldest first, so the last one becomes the head) at the
   * head of the list `key` of `namespace` and keeps only the newest `max` values, all in one step (Redis
   * `LPUSH` + `LTRIM` in one script; embedded: a file of JSON lines, appended under the key's file lock
   * and cut back to `max` from time to time, so it holds at most about twice `max` lines per process
   * writing to it; reads return at most `limit` newest values anyway). A batch costs one store
   * operation, so a busy writer gathers values and pushes them together; `[]` does nothing.
   */
  pushCapped(namespace: string, key: string, values: readonly unknown[], max: number): Promise<void>;
  /** The values of the list `key` of `namespace`, newest first (`[]` when absent). */
  readList<T = unknown>(namespace: string, key: string, options?: ReadListOptions): Promise<T[]>;
  /** Resolves when the store answers (Redis `PING`, the folder is writable); rejects with `StoreUnavailableError`. */
  ping(): Promise<void>;
  /**
   * Releases the locks still held, ends subscriptions and closes connections. Afterwards every
   * operation rejects with `StoreUnavailableError`. Calling it again does nothing.
   */
  close(): Promise<void>;
}
