/** @module @cmp/instructions */
export {};
