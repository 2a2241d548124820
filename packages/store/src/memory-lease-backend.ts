import { randomUUID } from "node:crypto";
import { keepRenewed } from "./keep-renewed.js";
import type { LeaseBackend } from "./lease.js";

/**
 * Locks inside one process (an embedded store without a folder). They have leases like the others, so a
 * holder whose renewals stop (an event loop blocked past the lease) loses the lock the same way.
 */
export function createMemoryLeaseBackend(): LeaseBackend {
  const held = new Map<string, { token: string; expiresAt: number }>();
  return {
    async tryAcquire(name, ttlMs, onLost) {
      const current = held.get(name);
      if (current && current.expiresAt > Date.now()) return null;
      const token = randomUUID();
      held.set(name, { token, expiresAt: Date.now() + ttlMs });
      const stop = keepRenewed(
        ttlMs,
        async () => {
          const entry = held.get(name);
          if (entry?.token !== token || entry.expiresAt <= Date.now()) return false;
          entry.expiresAt = Date.now() + ttlMs;
          return true;
        },
        onLost,
      );
      return {
        async release() {
          stop();
          if (held.get(name)?.token === token) held.delete(name);
        },
      };
    },
  };
}
