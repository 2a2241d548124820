import KeyvRedis from "@keyv/redis";
import type { Keyv, KeyvStoreAdapter } from "keyv";
import { BaseStore, type CollectionRef, type NamespaceRef } from "./base-store.js";
import { GuardedStoreAdapter, type StoreGuard } from "./guarded-store-adapter.js";
import type { LeaseBackend } from "./lease.js";
import { deliver } from "./local-pub-sub.js";
import { isStoredValueEqual } from "./namespace-keyv.js";
import { connectClient, describeRedisError, type RedisClient } from "./redis-client.js";
import { createRedisLeaseBackend } from "./redis-lease-backend.js";
import { COMPARE_AND_SET_SCRIPT, INCREMENT_FIELDS_SCRIPT, PUSH_CAPPED_SCRIPT } from "./redis-scripts.js";
import type { SecretBox } from "./secret-box.js";
import type { MessageHandler } from "./store-types.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";
import { withDeadline } from "./with-deadline.js";

/**
 * A compare-and-set reads, compares in JavaScript, then writes with a script that checks the text it
 * read is still there. Each retry means another writer changed the key in between (and succeeded), so
 * the loop makes progress; the cap only bounds a key rewritten without pause by others.
 */
const MAX_CAS_ATTEMPTS = 100;

/**
 * The store on Redis, shared by every replica with the same URL and prefix. One connection carries
 * the namespaces (through `@keyv/redis`), locks and compare-and-set; a second one, made on the first
 * `subscribe`, carries pub/sub (a subscribed Redis connection can do nothing else).
 */
export class RedisStore extends BaseStore {
  readonly kind = "redis" as const;
  protected readonly lockBackend: LeaseBackend;
  private readonly guard: StoreGuard;
  private readonly commandTimeoutMs: number;
  private readonly onError: (error: Error) => void;
  private subscriber: Promise<RedisClient> | undefined;

  constructor(
    private readonly client: RedisClient,
    options: {
      prefix: string;
      box: SecretBox;
      commandTimeoutMs: number;
      onError: (error: Error) => void;
    },
  ) {
    super(options.prefix, options.box);
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.onError = options.onError;
    this.guard = {
      assertOpen: () => this.assertOpen(),
      // node-redis enforces the command timeout; the deadline here (a little later) also covers
      // anything that waits outside a command, such as a connection that never becomes ready.
      run: async (call) => {
        try {
          return await withDeadline(call(), this.commandTimeoutMs + 1_000, "Redis");
        } catch (cause) {
          if (StoreUnavailableError.isInstance(cause)) throw cause;
          throw new StoreUnavailableError(`Redis did not answer (${describeRedisError(cause)}).`, { cause });
        }
      },
    };
    this.lockBackend = createRedisLeaseBackend(client, this.prefix, this.guard);
  }

  protected isDurable(): boolean {
    return true;
  }

  protected createAdapter(ref: NamespaceRef): KeyvStoreAdapter {
    const adapter = new KeyvRedis<string>(this.client, {
      namespace: ref.id,
      keyPrefixSeparator: ":",
      throwOnErrors: true,
      throwOnConnectError: true,
    });
    // The client's errors already reach `onError`; the adapter re-emits them and must not throw.
    adapter.on("error", () => undefined);
    return new GuardedStoreAdapter(adapter, this.guard);
  }

  protected async compareAndSetIn(
    keyv: Keyv,
    ref: NamespaceRef,
    key: string,
    expected: unknown,
    next: unknown,
    ttlMs: number | undefined,
  ): Promise<boolean> {
    const redisKey = `${ref.id}:${key}`;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
      const seen = await this.guard.run(() => this.client.get(redisKey));
      let current: unknown;
      if (seen !== null) {
        const data = await keyv.deserializeData<unknown>(seen);
        // Keyv's own expiry (Redis normally removes the key first).
        current = typeof data?.expires === "number" && data.expires < Date.now() ? undefined : data?.value;
      }
      if (!(await isStoredValueEqual(keyv, current, expected))) return false;
      const nextText =
        next === undefined
          ? ""
          : await keyv.serializeData({
              value: next,
              expires: ttlMs === undefined ? undefined : Date.now() + ttlMs,
            });
      if (typeof nextText !== "string") throw new TypeError("the namespace serializer must produce text");
      const written = await this.guard.run(() =>
        this.client.eval(COMPARE_AND_SET_SCRIPT, {
          keys: [redisKey],
          arguments: [
            seen === null ? "0" : "1",
            seen ?? "",
            next === undefined ? "0" : "1",
            nextText,
            ttlMs === undefined ? "0" : String(Math.max(1, Math.ceil(ttlMs))),
          ],
        }),
      );
      if (written === 1) return true;
    }
    throw new StoreUnavailableError("A compare-and-set kept losing races with other writers; try again.");
  }

  protected async incrementIn(
    ref: CollectionRef,
    key: string,
    fields: Record<string, number>,
    ttlMs: number | undefined,
  ): Promise<Record<string, number>> {
    const args = [ttlMs === undefined ? "0" : String(Math.max(1, Math.ceil(ttlMs)))];
    for (const [field, by] of Object.entries(fields)) args.push(field, String(by));
    const flat = await this.guard.run(() =>
      this.client.eval(INCREMENT_FIELDS_SCRIPT, { keys: [`${ref.id}:${key}`], arguments: args }),
    );
    return toCounters(flat);
  }

  protected async readCountersIn(ref: CollectionRef, key: string): Promise<Record<string, number>> {
    return toCounters(await this.guard.run(() => this.client.hGetAll(`${ref.id}:${key}`)));
  }

  protected async pushIn(ref: CollectionRef, key: string, texts: string[], max: number): Promise<void> {
    await this.guard.run(() =>
      this.client.eval(PUSH_CAPPED_SCRIPT, {
        keys: [`${ref.id}:${key}`],
        arguments: [String(max), ...texts],
      }),
    );
  }

  protected async readListIn(ref: CollectionRef, key: string, limit: number | undefined): Promise<string[]> {
    const end = limit === undefined ? -1 : limit - 1;
    const texts = await this.guard.run(() => this.client.lRange(`${ref.id}:${key}`, 0, end));
    return texts.map(String);
  }

  protected async publishText(channel: string, text: string): Promise<void> {
    await this.guard.run(() => this.client.publish(channel, text));
  }

  private getSubscriber(): Promise<RedisClient> {
    if (this.subscriber === undefined) {
      const connecting = connectClient(
        this.client.duplicate(),
        this.commandTimeoutMs,
        this.onError,
        "Redis (pub/sub connection)",
      );
      // A failed connection is not kept: the next subscribe tries again.
      connecting.catch(() => {
        if (this.subscriber === connecting) this.subscriber = undefined;
      });
      this.subscriber = connecting;
    }
    return this.subscriber;
  }

  protected async subscribeText(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const subscriber = await this.getSubscriber();
    // One listener per subscription: unsubscribing one never removes another's.
    const listener = (text: string) => deliver(handler, text);
    await this.guard.run(() => subscriber.subscribe(channel, listener));
    let active = true;
    return async () => {
      if (!active || this.closed) return;
      active = false;
      await this.guard.run(() => subscriber.unsubscribe(channel, listener));
    };
  }

  protected async pingBackend(): Promise<void> {
    await this.guard.run(() => this.client.ping());
  }

  protected async closeBackend(): Promise<void> {
    const subscriber = await this.subscriber?.catch(() => undefined);
    await Promise.all([
      closeClient(this.client, this.commandTimeoutMs),
      subscriber && closeClient(subscriber, this.commandTimeoutMs),
    ]);
  }
}

/** A counter hash as Redis returns it (a flat field/value list, or a map) as numbers. */
function toCounters(reply: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = Number(reply[i + 1]);
  } else if (reply !== null && typeof reply === "object") {
    for (const [field, value] of Object.entries(reply)) out[field] = Number(value);
  }
  return out;
}

/** Closes gracefully (pending replies first) within `ms`, else drops the connection. */
async function closeClient(client: RedisClient, ms: number): Promise<void> {
  try {
    if (client.isOpen) await withDeadline(client.close(), ms, "Redis (closing)");
  } catch {
    // Whatever the reason, the connection must end.
  }
  try {
    if (client.isOpen) client.destroy();
  } catch {
    // Already closed.
  }
}
