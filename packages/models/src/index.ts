/** @module @cmp/models */
export {};
