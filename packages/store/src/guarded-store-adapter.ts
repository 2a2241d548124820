import type { KeyvStoreAdapter } from "keyv";
import { StoreUnavailableError } from "./store-unavailable-error.js";

/** How a guarded adapter checks the store and turns failures into typed errors. */
export interface StoreGuard {
  /** Throws `StoreUnavailableError` when the store is closed. */
  assertOpen(): void;
  /** Runs one storage call with the store's time limit and error mapping. */
  run<T>(call: () => Promise<T>): Promise<T>;
}

/**
 * Puts a {@link StoreGuard} in front of a Keyv store adapter: every call first checks that the store is
 * open, then runs under the guard, so a namespace's `get`/`set`/`delete`/`has`/`clear` either answer or
 * reject with `StoreUnavailableError` within the store's time limit. Only these five are offered, so
 * Keyv's `getMany`/`setMany`/`deleteMany` go through them one key at a time.
 */
export class GuardedStoreAdapter implements KeyvStoreAdapter {
  readonly opts: unknown;

  constructor(
    private readonly inner: KeyvStoreAdapter,
    private readonly guard: StoreGuard,
  ) {
    this.opts = inner.opts;
  }

  get namespace(): string | undefined {
    return this.inner.namespace;
  }

  set namespace(value: string | undefined) {
    this.inner.namespace = value;
  }

  /** Keyv listens for `error`; failures reach callers as rejections instead. */
  on(): this {
    return this;
  }

  private call<T>(call: () => Promise<T>): Promise<T> {
    try {
      this.guard.assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.guard.run(call);
  }

  get<Value>(key: string): Promise<Value | undefined> {
    return this.call(() => this.inner.get<Value>(key)) as Promise<Value | undefined>;
  }

  set(key: string, value: string, ttl?: number): Promise<unknown> {
    return this.call(async () => this.inner.set(key, value, ttl));
  }

  delete(key: string): Promise<boolean> {
    return this.call(() => this.inner.delete(key));
  }

  has(key: string): Promise<boolean> {
    const inner = this.inner;
    return this.call(async () => {
      if (inner.has) return inner.has(key);
      const value = await inner.get(key);
      return value !== undefined && value !== null;
    });
  }

  clear(): Promise<void> {
    return this.call(() => this.inner.clear());
  }
}

/** The guard of an embedded store: no time limit (memory and local files), unknown errors typed. */
export function embeddedGuard(assertOpen: () => void): StoreGuard {
  return {
    assertOpen,
    async run(call) {
      try {
        return await call();
      } catch (cause) {
        if (StoreUnavailableError.isInstance(cause)) throw cause;
        throw new StoreUnavailableError("The embedded store failed.", { cause });
      }
    },
  };
}
