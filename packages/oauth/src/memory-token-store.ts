import type { StoredLogin } from "./stored-login.js";
import { timingSafeEqualStrings } from "./timing-safe-equal.js";
import type { TokenStore } from "./token-store.js";

/** Creates a `TokenStore` kept in memory (tests, or logins that must not touch the disk). */
export function createMemoryTokenStore(initial: StoredLogin | null = null): TokenStore {
  let login = initial ? { ...initial } : null;
  let version = 0;
  return {
    async get() {
      return login ? { ...login } : null;
    },
    async set(next) {
      login = { ...next };
      version += 1;
    },
    async delete() {
      login = null;
      version += 1;
    },
    async compareAndSet(expectedRefreshToken, next) {
      if (!login || !timingSafeEqualStrings(login.refreshToken, expectedRefreshToken)) return false;
      login = { ...next };
      version += 1;
      return true;
    },
    async revision() {
      return String(version);
    },
  };
}
