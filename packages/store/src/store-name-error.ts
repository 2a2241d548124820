import { CmpError } from "@cmp/core";

/**
 * A name the store does not accept. Prefixes and namespace names become parts of Redis keys and folder
 * names, so they are 1 to 100 of `[A-Za-z0-9._-]` (`:` separates the parts of a key). Lock and channel
 * names may be any text of 1 to 200 characters (they are encoded into file names where needed). Also
 * thrown when a namespace is opened again with another `memoryOnly` than the first time.
 */
export class StoreNameError extends CmpError<"invalid_store_name"> {
  constructor(kind: string, name: string, detail?: string) {
    super("StoreNameError", {
      code: "invalid_store_name",
      message:
        detail ??
        (kind === "lock" || kind === "channel"
          ? `Invalid ${kind} name: use 1 to 200 characters.`
          : `Invalid ${kind} name ${JSON.stringify(name.slice(0, 120))}: use 1 to 100 of A-Z a-z 0-9 . _ -.`),
    });
  }

  /** True for any `StoreNameError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is StoreNameError {
    return CmpError.hasMarker(error, "cmp.error.StoreNameError");
  }
}
