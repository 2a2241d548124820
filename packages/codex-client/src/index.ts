/** @module @cmp/codex-client */
export {};
