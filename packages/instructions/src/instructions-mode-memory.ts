import type { InstructionsMode } from "./select-instructions.js";

/** Options of {@link createInstructionsModeMemory}. */
export interface InstructionsModeMemoryOptions {
  /** Clock in milliseconds. */
  now?: () => number;
  /** Forget a remembered `codex` requirement after this long, to try `client` mode again. Default: never. */
  ttlMs?: number;
}

/**
 * Which accounts the backend forced into `codex` mode (see {@link isInstructionsRejection}). Account ids
 * are `AccountAuth["accountId"]` of `@cmp/core`: a login without one (`null`) is remembered as one account.
 */
export interface InstructionsModeMemory {
  /** `codex` when configured so or remembered for the account, else the configured mode. */
  modeFor(accountId: string | null, configured: InstructionsMode): InstructionsMode;
  /** Records that the backend rejected client instructions for this account. */
  rememberCodexRequired(accountId: string | null): void;
  /** Forgets what was remembered for this account. */
  forget(accountId: string | null): void;
}

/**
 * The small piece of state behind the server's instructions retry: when the backend rejects the
 * client's instructions, the server retries once in `codex` mode and calls `rememberCodexRequired`,
 * so later requests of that account start in `codex` mode. In memory, per process.
 */
export function createInstructionsModeMemory(
  options: InstructionsModeMemoryOptions = {},
): InstructionsModeMemory {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
  const remembered = new Map<string | null, number>();
  return {
    modeFor(accountId, configured) {
      if (configured === "codex") return "codex";
      const since = remembered.get(accountId);
      if (since === undefined) return configured;
      if (now() - since >= ttlMs) {
        remembered.delete(accountId);
        return configured;
      }
      return "codex";
    },
    rememberCodexRequired(accountId) {
      remembered.set(accountId, now());
    },
    forget(accountId) {
      remembered.delete(accountId);
    },
  };
}
