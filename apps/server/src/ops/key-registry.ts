import type { BudgetPeriod } from "@cmp/protocol";
import { type Store, StoreUnavailableError } from "@cmp/store";
import { ApiKeyError } from "./api-key-error.js";
import { generateApiKey, hashApiKey } from "./api-key-secret.js";

/** The store namespace of the key registry (one entry), and the channel that announces its changes. */
export const KEYS_NAMESPACE = "api-keys";
const REGISTRY_KEY = "registry";
/** Published (with `{ name }`) after every change of the registry: replicas drop their cached copy. */
export const KEYS_CHANGED_CHANNEL = "api-keys-changed";

/** One named key as the store holds it: its settings and the SHA-256 of the key, never the key. */
export interface StoredApiKey {
  name: string;
  /** SHA-256 of the key, hex. */
  hash: string;
  created_at: string;
  admin: boolean;
  /** The models it may use (as the client names them, compared case-insensitively); `null` for any. */
  models: string[] | null;
  rpm: number | null;
  budget: { tokens: number; per: BudgetPeriod } | null;
}

/** What `keys create` and `POST /v1/management/keys` set. */
export interface ApiKeySettings {
  name: string;
  budgetTokens?: number | null;
  per?: BudgetPeriod | null;
  rpm?: number | null;
  models?: string[] | null;
  admin?: boolean;
}

interface RegistryDocument {
  v: 1;
  keys: StoredApiKey[];
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_CAS_ATTEMPTS = 50;

/** Checks settings and returns the stored form (without hash and time); throws `ApiKeyError`. */
export function validateKeySettings(settings: ApiKeySettings): Omit<StoredApiKey, "hash" | "created_at"> {
  const { name } = settings;
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new ApiKeyError("invalid_key_settings", "A key name is 1 to 64 of A-Z a-z 0-9 . _ -.");
  }
  const positive = (value: number | null | undefined, what: string) => {
    if (value === undefined || value === null) return null;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ApiKeyError("invalid_key_settings", `${what} must be a positive whole number.`);
    }
    return value;
  };
  const tokens = positive(settings.budgetTokens, "The token budget");
  const rpm = positive(settings.rpm, "The requests per minute");
  const per = settings.per ?? null;
  if (per !== null && !["day", "week", "month"].includes(per)) {
    throw new ApiKeyError("invalid_key_settings", "The budget period is day, week or month.");
  }
  if (per !== null && tokens === null) {
    throw new ApiKeyError("invalid_key_settings", "A budget period needs a token budget (budget_tokens).");
  }
  let models: string[] | null = null;
  if (settings.models !== undefined && settings.models !== null) {
    models = [...new Set(settings.models.map((model) => model.trim()).filter((model) => model.length > 0))];
    if (models.length === 0 || models.some((model) => model.length > 200)) {
      throw new ApiKeyError(
        "invalid_key_settings",
        "The model list names at least one model (each at most 200 characters).",
      );
    }
  }
  return {
    name,
    admin: settings.admin === true,
    models,
    rpm,
    budget: tokens === null ? null : { tokens, per: per ?? "day" },
  };
}

/**
 * The named API keys of a deployment: one registry entry in the operator store (`api-keys/registry`),
 * changed only by compare-and-set, so the server's HTTP API and `cmp-server keys` on any machine can
 * create and revoke keys at once without losing one. Keys are stored as SHA-256 hashes: the key itself
 * is returned once by {@link create} and never kept. Each change is announced on
 * {@link KEYS_CHANGED_CHANNEL} so replicas drop their cached copy at once.
 */
export class ApiKeyRegistry {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every named key, oldest first. */
  async list(): Promise<StoredApiKey[]> {
    const document = await this.store.namespace(KEYS_NAMESPACE).get<RegistryDocument>(REGISTRY_KEY);
    return document?.keys ?? [];
  }

  /** Creates a key; resolves with the key (shown once) and what was stored. `key_exists` when the name is taken. */
  async create(settings: ApiKeySettings): Promise<{ key: string; stored: StoredApiKey }> {
    const valid = validateKeySettings(settings);
    const key = generateApiKey();
    const stored: StoredApiKey = {
      ...valid,
      hash: hashApiKey(key),
      created_at: new Date(this.now()).toISOString(),
    };
    await this.change((keys) => {
      if (keys.some((existing) => existing.name === stored.name)) {
        throw new ApiKeyError(
          "key_exists",
          `A key named "${stored.name}" exists already; revoke it first or pick another name.`,
        );
      }
      return [...keys, stored];
    });
    await this.announce(stored.name);
    return { key, stored };
  }

  /** Revokes (deletes) the key `name`; `key_not_found` when there is none. */
  async revoke(name: string): Promise<void> {
    await this.change((keys) => {
      if (!keys.some((existing) => existing.name === name)) {
        throw new ApiKeyError("key_not_found", `There is no key named "${name}".`);
      }
      return keys.filter((existing) => existing.name !== name);
    });
    await this.announce(name);
  }

  private async change(update: (keys: StoredApiKey[]) => StoredApiKey[]): Promise<void> {
    const namespace = this.store.namespace(KEYS_NAMESPACE);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
      const current = await namespace.get<RegistryDocument>(REGISTRY_KEY);
      const next: RegistryDocument = { v: 1, keys: update(current?.keys ?? []) };
      if (await this.store.compareAndSet(KEYS_NAMESPACE, REGISTRY_KEY, current, next)) return;
    }
    throw new StoreUnavailableError("The key registry kept changing under this change; try again.");
  }

  private async announce(name: string): Promise<void> {
    // Pub/sub is a shortcut for the other replicas; their cache also expires by itself within a second.
    await this.store.publish(KEYS_CHANGED_CHANNEL, { name }).catch(() => undefined);
  }
}
