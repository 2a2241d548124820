import { ConfigError } from "@cmp/core";
import { createStore, SecretBoxError, type Store, StoreUnavailableError } from "@cmp/store";
import type { ServerConfig } from "../config.js";

/** The secret namespace and key of the value that proves every replica uses the same secret. */
const META = "meta";
const SECRET_CHECK = "secret-check";

/** Options of {@link openSharedStore}. */
export interface OpenSharedStoreOptions {
  /** Connection errors while running (Redis went away); the store reconnects by itself. */
  onError?: (error: Error) => void;
}

/**
 * Opens the store several replicas share (`CMP_STORE_URL`), or resolves `null` when none is set (the
 * embedded default: everything in this process and `CMP_HOME`). Refuses, with a `ConfigError` that says
 * what to do, a store that cannot be reached and a `CMP_STORE_SECRET` other than the one the store's
 * data was sealed with: the first replica to start leaves a sealed check value, and a replica whose
 * secret cannot open it stops before it reads or writes anything else.
 */
export async function openSharedStore(
  config: Pick<ServerConfig, "storeUrl" | "storePrefix" | "storeSecret">,
  options: OpenSharedStoreOptions = {},
): Promise<Store | null> {
  if (config.storeUrl === null) return null;
  let store: Store;
  try {
    store = await createStore({
      url: config.storeUrl,
      prefix: config.storePrefix,
      secret: config.storeSecret ?? undefined,
      onError: options.onError,
    });
  } catch (error) {
    if (StoreUnavailableError.isInstance(error)) {
      throw new ConfigError(
        `Cannot reach the shared store (CMP_STORE_URL): ${error.message} Start Redis, or check the URL and its password.`,
      );
    }
    throw error;
  }
  try {
    await checkSecret(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

async function checkSecret(store: Store): Promise<void> {
  const meta = store.secretNamespace(META);
  try {
    if ((await meta.get(SECRET_CHECK)) !== undefined) return;
    const mark = { created_at: new Date().toISOString() };
    // Two replicas starting at once: the one that loses the race checks the winner's value.
    if (await store.compareAndSet(META, SECRET_CHECK, undefined, mark, { secret: true })) return;
    await meta.get(SECRET_CHECK);
  } catch (error) {
    if (SecretBoxError.isInstance(error)) {
      throw new ConfigError(
        `CMP_STORE_SECRET is not the secret this store's data (prefix "${store.prefix}") was sealed with. Use the same CMP_STORE_SECRET on every replica; nothing was read or changed.`,
      );
    }
    if (StoreUnavailableError.isInstance(error)) {
      throw new ConfigError(`Cannot reach the shared store (CMP_STORE_URL): ${error.message}`);
    }
    throw error;
  }
}
