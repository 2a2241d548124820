import type { Keyv, KeyvStoreAdapter } from "keyv";
import { acquireLock, runWithLock } from "./acquire-lock.js";
import type { LeaseBackend } from "./lease.js";
import { createNamespaceKeyv, type NamespaceKind } from "./namespace-keyv.js";
import type { SecretBox } from "./secret-box.js";
import { assertFreeName, assertSafeName } from "./store-name.js";
import { StoreNameError } from "./store-name-error.js";
import type {
  CompareAndSetOptions,
  CounterOptions,
  HeldLock,
  LockOptions,
  MessageHandler,
  NamespaceOptions,
  ReadListOptions,
  Store,
} from "./store-types.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

/** One namespace as a backend sees it. */
export interface NamespaceRef {
  kind: NamespaceKind;
  /** The name given to `namespace`/`secretNamespace`. */
  name: string;
  /** `<prefix>:<kind>:<name>`: the Redis key prefix, and the identity of the namespace in lock names. */
  id: string;
  /** Whether the namespace lives in files (embedded stores with a folder, unless `memoryOnly`). */
  durable: boolean;
}

/** A counter or list namespace as a backend sees it. */
export interface CollectionRef {
  /** The name given to `increment`, `pushCapped`…. */
  name: string;
  /** `<prefix>:counter:<name>` or `<prefix>:list:<name>`: the Redis key prefix and the lock names' part. */
  id: string;
}

/** The counter hash field `store.increment` uses. */
const SINGLE_COUNTER_FIELD = "value";

/**
 * What both kinds of store share: names are checked, namespaces are made once per name, locks get their
 * waiting and typed errors from `acquireLock`, held locks are released on `close()`, and every
 * operation after `close()` rejects with `StoreUnavailableError`. A subclass supplies the storage.
 */
export abstract class BaseStore implements Store {
  abstract readonly kind: "embedded" | "redis";
  private readonly namespaces = new Map<string, { keyv: Keyv; ref: NamespaceRef }>();
  private readonly heldLocks = new Set<HeldLock>();
  protected closed = false;

  constructor(
    readonly prefix: string,
    protected readonly box: SecretBox | null,
  ) {
    assertSafeName("prefix", prefix);
  }

  /** The Keyv store adapter that keeps one namespace. */
  protected abstract createAdapter(ref: NamespaceRef): KeyvStoreAdapter;
  /** The locks of this store. */
  protected abstract readonly lockBackend: LeaseBackend;
  /** Compare-and-set on one key of a namespace made by this store. */
  protected abstract compareAndSetIn(
    keyv: Keyv,
    ref: NamespaceRef,
    key: string,
    expected: unknown,
    next: unknown,
    ttlMs: number | undefined,
  ): Promise<boolean>;
  /** Adds `fields` to the counter hash `key` atomically; resolves with all its fields afterwards. */
  protected abstract incrementIn(
    ref: CollectionRef,
    key: string,
    fields: Record<string, number>,
    ttlMs: number | undefined,
  ): Promise<Record<string, number>>;
  protected abstract readCountersIn(ref: CollectionRef, key: string): Promise<Record<string, number>>;
  /**
   * Pushes JSON texts (oldest first, at least one and at most `max`: `pushCapped` cut the batch) at the
   * head of the list and keeps the newest `max`.
   */
  protected abstract pushIn(ref: CollectionRef, key: string, texts: string[], max: number): Promise<void>;
  /** The list's JSON texts, newest first, at most `limit`. */
  protected abstract readListIn(
    ref: CollectionRef,
    key: string,
    limit: number | undefined,
  ): Promise<string[]>;
  protected abstract publishText(channel: string, text: string): Promise<void>;
  protected abstract subscribeText(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  protected abstract pingBackend(): Promise<void>;
  protected abstract closeBackend(): Promise<void>;

  protected assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError("The store is closed.");
  }

  namespace(name: string, options: NamespaceOptions = {}): Keyv {
    return this.getNamespace("kv", name, options).keyv;
  }

  secretNamespace(name: string, options: NamespaceOptions = {}): Keyv {
    return this.getNamespace("secret", name, options).keyv;
  }

  /** Whether a namespace of this store lives in files; see {@link NamespaceOptions.memoryOnly}. */
  protected abstract isDurable(options: NamespaceOptions): boolean;

  private getNamespace(kind: NamespaceKind, name: string, options: NamespaceOptions) {
    assertSafeName("namespace", name);
    const mapKey = `${kind}:${name}`;
    const durable = this.isDurable(options);
    const existing = this.namespaces.get(mapKey);
    if (existing) {
      // One name, one place: a namespace cannot be in files for one caller and in memory for another.
      if (options.memoryOnly !== undefined && existing.ref.durable !== durable) {
        throw new StoreNameError(
          "namespace",
          name,
          `The namespace "${name}" was first opened ${existing.ref.durable ? "in files" : "in memory"}; open it with the same memoryOnly every time.`,
        );
      }
      return existing;
    }
    const ref: NamespaceRef = { kind, name, id: `${this.prefix}:${kind}:${name}`, durable };
    const made = { keyv: createNamespaceKeyv(this.createAdapter(ref), ref.id, kind, this.box), ref };
    this.namespaces.set(mapKey, made);
    return made;
  }

  async lock(name: string, options: LockOptions = {}): Promise<HeldLock> {
    assertFreeName("lock", name);
    this.assertOpen();
    const lock = await acquireLock(this.lockBackend, name, `lock:${name}`, options, (settled) =>
      this.heldLocks.delete(settled),
    );
    if (!lock.lost) this.heldLocks.add(lock);
    // Closed while waiting: nobody will release it through `close()` any more.
    if (this.closed) {
      await lock.release();
      throw new StoreUnavailableError("The store is closed.");
    }
    return lock;
  }

  async withLock<T>(
    name: string,
    task: (signal: AbortSignal) => Promise<T>,
    options: LockOptions = {},
  ): Promise<T> {
    return runWithLock(await this.lock(name, options), task);
  }

  /** Takes an internal lock (compare-and-set) with the same machinery as `lock`. */
  protected internalLock(name: string, options: LockOptions): Promise<HeldLock> {
    return acquireLock(this.lockBackend, name, name, options, () => undefined);
  }

  async compareAndSet<T>(
    namespace: string,
    key: string,
    expected: T | undefined,
    next: T | undefined,
    options: CompareAndSetOptions = {},
  ): Promise<boolean> {
    const { keyv, ref } = this.getNamespace(options.secret ? "secret" : "kv", namespace, {
      memoryOnly: options.memoryOnly,
    });
    if (typeof key !== "string" || key.length === 0) throw new TypeError("key must be a non-empty string");
    if (options.ttlMs !== undefined && !(Number.isFinite(options.ttlMs) && options.ttlMs > 0)) {
      throw new RangeError("ttlMs must be a positive number");
    }
    this.assertOpen();
    return this.compareAndSetIn(keyv, ref, key, expected, next, options.ttlMs);
  }

  private collection(kind: "counter" | "list", namespace: string, key: string): CollectionRef {
    assertSafeName("namespace", namespace);
    if (typeof key !== "string" || key.length === 0) throw new TypeError("key must be a non-empty string");
    return { name: namespace, id: `${this.prefix}:${kind}:${namespace}` };
  }

  async increment(namespace: string, key: string, by: number, options: CounterOptions = {}): Promise<number> {
    const fields = await this.incrementFields(namespace, key, { [SINGLE_COUNTER_FIELD]: by }, options);
    return fields[SINGLE_COUNTER_FIELD] ?? 0;
  }

  async incrementFields(
    namespace: string,
    key: string,
    fields: Readonly<Record<string, number>>,
    options: CounterOptions = {},
  ): Promise<Record<string, number>> {
    const ref = this.collection("counter", namespace, key);
    const changes: Record<string, number> = {};
    for (const [field, by] of Object.entries(fields)) {
      if (field.length === 0) throw new TypeError("counter fields must be non-empty strings");
      if (!Number.isSafeInteger(by)) throw new RangeError("a counter changes by a safe integer");
      changes[field] = by;
    }
    if (options.ttlMs !== undefined && !(Number.isFinite(options.ttlMs) && options.ttlMs > 0)) {
      throw new RangeError("ttlMs must be a positive number");
    }
    this.assertOpen();
    return this.incrementIn(ref, key, changes, options.ttlMs);
  }

  async readCounters(namespace: string, key: string): Promise<Record<string, number>> {
    const ref = this.collection("counter", namespace, key);
    this.assertOpen();
    return this.readCountersIn(ref, key);
  }

  async pushCapped(namespace: string, key: string, values: readonly unknown[], max: number): Promise<void> {
    const ref = this.collection("list", namespace, key);
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError("max must be a positive integer");
    if (!Array.isArray(values)) throw new TypeError("values must be an array of JSON values");
    // Values that would be cut at once are not written at all.
    const texts = values.slice(-max).map((value) => {
      const text = JSON.stringify(value);
      if (text === undefined) throw new TypeError("values must be JSON values");
      return text;
    });
    this.assertOpen();
    if (texts.length > 0) await this.pushIn(ref, key, texts, max);
  }

  async readList<T = unknown>(namespace: string, key: string, options: ReadListOptions = {}): Promise<T[]> {
    const ref = this.collection("list", namespace, key);
    const { limit } = options;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
      throw new RangeError("limit must be a positive integer");
    }
    this.assertOpen();
    const texts = await this.readListIn(ref, key, limit);
    // The caller states the value type; the store only guarantees JSON values.
    return texts.map((text) => JSON.parse(text) as T);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    assertFreeName("channel", channel);
    this.assertOpen();
    const text = JSON.stringify(message);
    if (text === undefined) throw new TypeError("message must be a JSON value");
    await this.publishText(`${this.prefix}:channel:${channel}`, text);
  }

  async subscribe<T = unknown>(channel: string, handler: MessageHandler<T>): Promise<() => Promise<void>> {
    assertFreeName("channel", channel);
    this.assertOpen();
    // The caller states the message type; the store only guarantees a JSON value.
    return this.subscribeText(`${this.prefix}:channel:${channel}`, (message) => handler(message as T));
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.pingBackend();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.heldLocks].map((lock) => lock.release()));
    await this.closeBackend();
  }
}
