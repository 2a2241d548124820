/** @module @cmp/transform */
export {};
