import { access, constants, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Keyv, KeyvStoreAdapter } from "keyv";
import { BaseStore, type CollectionRef, type NamespaceRef } from "./base-store.js";
import { EmbeddedCounters } from "./embedded-counters.js";
import { EmbeddedLists } from "./embedded-lists.js";
import { createFileLeaseBackend } from "./file-lease-backend.js";
import { FileStoreAdapter } from "./file-store-adapter.js";
import { embeddedGuard, GuardedStoreAdapter } from "./guarded-store-adapter.js";
import { KeyedMutex } from "./keyed-mutex.js";
import type { LeaseBackend } from "./lease.js";
import { LocalPubSub } from "./local-pub-sub.js";
import { LockLostError } from "./lock-lost-error.js";
import { LockTimeoutError } from "./lock-timeout-error.js";
import { createMemoryLeaseBackend } from "./memory-lease-backend.js";
import { MemoryStoreAdapter } from "./memory-store-adapter.js";
import { isStoredValueEqual } from "./namespace-keyv.js";
import type { SecretBox } from "./secret-box.js";
import type { HeldLock, MessageHandler, NamespaceOptions } from "./store-types.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

/** The lease of the file lock around one compare-and-set: a read and a write, far shorter than this. */
const CAS_LOCK_TTL_MS = 10_000;
/** How long one compare-and-set waits for another process's compare-and-set of the same key. */
const CAS_LOCK_WAIT_MS = 30_000;

/**
 * The store of one process, or of every process sharing `folder`. Without a folder: namespaces in
 * memory, in-process locks, in-process pub/sub. With a folder: namespaces in files under
 * `<folder>/<prefix>/<kind>/<name>/` (unless `memoryOnly`), file locks under `<folder>/<prefix>/locks/`,
 * and compare-and-set of a file namespace under a file lock, so processes sharing the folder (the server
 * and `cmp-server keys …`) see each other's writes and never lose one. Pub/sub stays in the process.
 */
export class EmbeddedStore extends BaseStore {
  readonly kind = "embedded" as const;
  protected readonly lockBackend: LeaseBackend;
  private readonly root: string | undefined;
  private readonly casMutex = new KeyedMutex();
  private readonly pubSub = new LocalPubSub();
  private readonly counters: EmbeddedCounters;
  private readonly lists: EmbeddedLists;

  constructor(options: { prefix: string; box: SecretBox | null; folder?: string }) {
    super(options.prefix, options.box);
    this.root = options.folder === undefined ? undefined : join(options.folder, options.prefix);
    this.lockBackend =
      this.root === undefined ? createMemoryLeaseBackend() : createFileLeaseBackend(this.root);
    const runLocked = <T>(name: string, task: (assertHeld: () => void) => Promise<T>) =>
      this.runUnderFileLock(name, task);
    this.counters = new EmbeddedCounters(this.root, runLocked);
    this.lists = new EmbeddedLists(this.root, runLocked);
  }

  protected isDurable(options: NamespaceOptions): boolean {
    return this.root !== undefined && options.memoryOnly !== true;
  }

  protected createAdapter(ref: NamespaceRef): KeyvStoreAdapter {
    const adapter =
      ref.durable && this.root !== undefined
        ? new FileStoreAdapter(join(this.root, ref.kind, ref.name))
        : new MemoryStoreAdapter();
    return new GuardedStoreAdapter(
      adapter,
      embeddedGuard(() => this.assertOpen()),
    );
  }

  protected compareAndSetIn(
    keyv: Keyv,
    ref: NamespaceRef,
    key: string,
    expected: unknown,
    next: unknown,
    ttlMs: number | undefined,
  ): Promise<boolean> {
    const lockName = `cas:${ref.id}:${key}`;
    const compareAndWrite = async (beforeWrite: () => void) => {
      if (!(await isStoredValueEqual(keyv, await keyv.get(key), expected))) return false;
      beforeWrite();
      if (next === undefined) await keyv.delete(key);
      else await keyv.set(key, next, ttlMs);
      return true;
    };
    // One process queues its own callers here; the file lock orders the processes.
    return this.casMutex.run(lockName, async () => {
      if (!ref.durable) return compareAndWrite(() => undefined);
      return this.runUnderFileLock(lockName, compareAndWrite);
    });
  }

  /**
   * Runs `task` under the internal file lock `name` (compare-and-set, counters, lists); `assertHeld`
   * throws when the lease was lost meanwhile. A lock that cannot be had in time, or a lease lost, is a
   * `StoreUnavailableError` and nothing more is written.
   */
  private async runUnderFileLock<T>(name: string, task: (assertHeld: () => void) => Promise<T>): Promise<T> {
    let lock: HeldLock;
    try {
      lock = await this.internalLock(name, { ttlMs: CAS_LOCK_TTL_MS, waitMs: CAS_LOCK_WAIT_MS });
    } catch (cause) {
      if (!LockTimeoutError.isInstance(cause)) throw cause;
      throw new StoreUnavailableError("A change waited too long for another process's file lock.", { cause });
    }
    try {
      // A lease lost while reading (this process froze): another writer may be at work, so no write.
      return await task(() => lock.assertHeld());
    } catch (cause) {
      if (!LockLostError.isInstance(cause)) throw cause;
      throw new StoreUnavailableError("A change lost its file lock; nothing was written.", { cause });
    } finally {
      await lock.release();
    }
  }

  protected incrementIn(
    ref: CollectionRef,
    key: string,
    fields: Record<string, number>,
    ttlMs: number | undefined,
  ): Promise<Record<string, number>> {
    return this.guarded(() => this.counters.increment(ref, key, fields, ttlMs));
  }

  protected readCountersIn(ref: CollectionRef, key: string): Promise<Record<string, number>> {
    return this.guarded(() => this.counters.read(ref, key));
  }

  protected pushIn(ref: CollectionRef, key: string, texts: string[], max: number): Promise<void> {
    return this.guarded(() => this.lists.push(ref, key, texts, max));
  }

  protected readListIn(ref: CollectionRef, key: string, limit: number | undefined): Promise<string[]> {
    return this.guarded(() => this.lists.read(ref, key, limit));
  }

  /** Any failure of the embedded store's own work as `StoreUnavailableError`. */
  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (cause) {
      if (StoreUnavailableError.isInstance(cause)) throw cause;
      throw new StoreUnavailableError("The embedded store failed.", { cause });
    }
  }

  protected async publishText(channel: string, text: string): Promise<void> {
    this.pubSub.publish(channel, text);
  }

  protected async subscribeText(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const unsubscribe = this.pubSub.subscribe(channel, handler);
    return async () => unsubscribe();
  }

  protected async pingBackend(): Promise<void> {
    if (this.root === undefined) return;
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await access(this.root, constants.R_OK | constants.W_OK);
    } catch (cause) {
      throw new StoreUnavailableError("The store folder is not writable.", { cause });
    }
  }

  protected async closeBackend(): Promise<void> {
    this.pubSub.clear();
  }
}
