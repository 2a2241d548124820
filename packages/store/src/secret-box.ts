import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ConfigError } from "@cmp/core";
import { STORE_SECRET_HINT } from "./parse-store-secret.js";
import { SecretBoxError } from "./secret-box-error.js";

/** Seals and opens secret strings with one 32-byte key (AES-256-GCM). */
export interface SecretBox {
  /** Encrypts `plaintext` into a `v1.<iv>.<tag>.<ciphertext>` envelope (base64url parts, a fresh IV each time). */
  seal(plaintext: string): string;
  /** Decrypts an envelope made by `seal` with the same key; throws {@link SecretBoxError} otherwise. */
  open(envelope: string): string;
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PART = /^[A-Za-z0-9_-]*$/;

/**
 * A {@link SecretBox} for a 32-byte key (see `parseStoreSecret`). AES-256-GCM with a random 12-byte IV
 * per envelope: with random IVs one key is good for far more than 2^32 seals' worth of the store's
 * writes, and the tag makes any change to an envelope, or a wrong key, fail `open` instead of returning
 * garbage. The envelope names its version (`v1`) so the format can change without guessing.
 */
export function createSecretBox(key: Uint8Array): SecretBox {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new ConfigError(`The store secret must be exactly 32 bytes. ${STORE_SECRET_HINT}`);
  }
  // A private copy: a caller that later wipes or reuses its buffer must not change this box's key.
  const secret = Buffer.from(key);
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", secret, iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString("base64url"), tag.toString("base64url"), body.toString("base64url")].join(
        ".",
      );
    },
    open(envelope) {
      const parts = typeof envelope === "string" ? envelope.split(".") : [];
      const [version, ivText, tagText, bodyText] = parts;
      if (
        parts.length !== 4 ||
        version !== VERSION ||
        ivText === undefined ||
        tagText === undefined ||
        bodyText === undefined ||
        !PART.test(ivText) ||
        !PART.test(tagText) ||
        !PART.test(bodyText)
      ) {
        throw new SecretBoxError("A stored secret is not a v1 envelope; it was not written by this store.");
      }
      const iv = Buffer.from(ivText, "base64url");
      const tag = Buffer.from(tagText, "base64url");
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new SecretBoxError("A stored secret has a malformed envelope.");
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", secret, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        return Buffer.concat([
          decipher.update(Buffer.from(bodyText, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch (cause) {
        throw new SecretBoxError(
          "A stored secret could not be decrypted: it was changed, or sealed with another store secret (CMP_STORE_SECRET).",
          { cause },
        );
      }
    },
  };
}
