import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";

/** An RS256 key pair the fake servers sign and verify tokens with. */
export interface SigningKey {
  /** Key id, sent in the JWT header and the JWKS. */
  kid: string;
  /** Public key as a JWK (with `kid`, `alg`, `use`). */
  publicJwk: JWK;
  /** Signs a payload as an RS256 JWT. */
  sign(payload: JWTPayload): Promise<string>;
  /**
   * Verifies signature, `iss` and `exp` against `now` (ms); returns the payload or `null`
   * with the reason. Never throws.
   */
  verify(
    token: string,
    options: { issuer: string; now: number },
  ): Promise<{ payload: JWTPayload; error: null } | { payload: null; error: "expired" | "invalid" }>;
}

/** Generates a fresh RS256 signing key (about 50 ms). */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = `fake-${randomUUID()}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return {
    kid,
    publicJwk,
    sign: (payload) =>
      new SignJWT(payload).setProtectedHeader({ alg: "RS256", typ: "JWT", kid }).sign(privateKey),
    async verify(token, { issuer, now }) {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer,
          algorithms: ["RS256"],
          currentDate: new Date(now),
        });
        return { payload, error: null };
      } catch (error) {
        const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
        return { payload: null, error: code === "ERR_JWT_EXPIRED" ? "expired" : "invalid" };
      }
    },
  };
}
