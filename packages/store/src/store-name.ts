import { createHash } from "node:crypto";
import { StoreNameError } from "./store-name-error.js";

const SAFE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Throws {@link StoreNameError} unless `name` is safe as a part of a Redis key and as a folder name. */
export function assertSafeName(kind: "namespace" | "prefix", name: string): void {
  if (!SAFE_NAME.test(name) || name === "." || name === "..") throw new StoreNameError(kind, name);
}

/** Throws {@link StoreNameError} unless `name` is 1 to 200 characters. */
export function assertFreeName(kind: "lock" | "channel", name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.length > 200)
    throw new StoreNameError(kind, name);
}

/**
 * A file name for any key or lock name: the name itself in base64url when short enough, else a SHA-256
 * (file names are limited to 255 bytes). Injective for short names; for long ones the hash stands in.
 */
export function toFileName(name: string): string {
  const encoded = Buffer.from(name, "utf8").toString("base64url");
  return encoded.length <= 200 ? `k-${encoded}` : `h-${createHash("sha256").update(name).digest("hex")}`;
}
