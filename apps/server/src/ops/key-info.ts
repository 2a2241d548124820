import type { ApiKeyInfo } from "@cmp/protocol";
import type { Store } from "@cmp/store";
import type { StoredApiKey } from "./key-registry.js";
import { UsageLedger } from "./usage-ledger.js";

/** The store namespace of each key's last use (written at most once a minute per replica). */
export const LAST_USED_NAMESPACE = "api-key-last-used";

/** A named key as `keys list` and `GET /v1/management/keys` show it: settings, last use and usage. */
export async function describeApiKey(store: Store, key: StoredApiKey, now: number): Promise<ApiKeyInfo> {
  const [{ period, usage }, lastUsed] = await Promise.all([
    new UsageLedger(store).keyUsage(key, now),
    store.namespace(LAST_USED_NAMESPACE).get<string>(key.name),
  ]);
  return {
    name: key.name,
    created_at: key.created_at,
    last_used_at: lastUsed ?? null,
    admin: key.admin,
    models: key.models,
    rpm: key.rpm,
    budget:
      key.budget === null
        ? null
        : {
            tokens: key.budget.tokens,
            per: key.budget.per,
            used: usage.input + usage.output,
            resets_at: new Date(period.end).toISOString(),
          },
    usage,
    period_start: new Date(period.start).toISOString(),
  };
}
