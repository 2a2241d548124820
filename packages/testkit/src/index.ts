/** @module @cmp/testkit */
export {};
