import { randomUUID } from "node:crypto";
import type { StoreGuard } from "./guarded-store-adapter.js";
import { keepRenewed } from "./keep-renewed.js";
import type { LeaseBackend } from "./lease.js";
import type { RedisClient } from "./redis-client.js";
import { RELEASE_LOCK_SCRIPT, RENEW_LOCK_SCRIPT } from "./redis-scripts.js";

/**
 * Locks on Redis, one key per lock: `<prefix>:<name>` holds a random token of the holder. Taken with
 * `SET key token NX PX ttl`, renewed every `ttlMs / 3` and freed with scripts that first check the token
 * (so a holder whose lease ran out never extends or deletes the next holder's lock). A holder that
 * stops renewing loses the lock when Redis expires the key.
 */
export function createRedisLeaseBackend(
  client: RedisClient,
  prefix: string,
  guard: StoreGuard,
): LeaseBackend {
  return {
    async tryAcquire(name, ttlMs, onLost) {
      const key = `${prefix}:${name}`;
      const token = randomUUID();
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const reply = await guard.run(() =>
        client.set(key, token, { condition: "NX", expiration: { type: "PX", value: ttl } }),
      );
      if (reply !== "OK") return null;
      const stop = keepRenewed(
        ttl,
        async () => {
          const renewed = await guard.run(() =>
            client.eval(RENEW_LOCK_SCRIPT, { keys: [key], arguments: [token, String(ttl)] }),
          );
          return renewed === 1;
        },
        onLost,
      );
      return {
        async release() {
          stop();
          await guard.run(() => client.eval(RELEASE_LOCK_SCRIPT, { keys: [key], arguments: [token] }));
        },
      };
    },
  };
}
