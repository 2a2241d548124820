/**
 * A key-value map a package can keep its cache in when the caller shares state between processes (a
 * Keyv namespace of `@cmp/store` satisfies it). Values are anything JSON can carry; a read of a value
 * this package did not write must be validated like any other input.
 */
export interface KeyValueCache {
  /** The value, or `undefined` when there is none. */
  get(key: string): Promise<unknown>;
  /** Replaces the value; the result is ignored. */
  set(key: string, value: unknown): Promise<unknown>;
}
