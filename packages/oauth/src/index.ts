/** @module @cmp/oauth */
export {};
