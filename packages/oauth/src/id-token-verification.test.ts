import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createIdTokenVerifier, verifyIdTokenSignature } from "./id-token-verification.js";
import { OAuthError } from "./oauth-errors.js";

interface TestKey {
  jwk: JWK;
  sign: () => Promise<string>;
}

async function createKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return {
    jwk,
    sign: () =>
      new SignJWT({ sub: "user" }).setProtectedHeader({ alg: "RS256", kid }).setIssuedAt().sign(privateKey),
  };
}

/** A fake issuer's JWKS endpoint: serves `keys`, or fails while `down`; counts the fetches. */
function createJwksEndpoint(keys: JWK[]) {
  const endpoint = {
    keys,
    down: false,
    fetches: 0,
    fetch: (async (input: string | URL | Request) => {
      endpoint.fetches += 1;
      expect(String(input)).toBe("https://auth.example/.well-known/jwks.json");
      if (endpoint.down) throw new TypeError("fetch failed");
      return Response.json({ keys: endpoint.keys });
    }) as typeof fetch,
  };
  return endpoint;
}

let first: TestKey;
let rotated: TestKey;
beforeAll(async () => {
  [first, rotated] = await Promise.all([createKey("key-1"), createKey("key-2")]);
});

const issuer = "https://auth.example";

describe("createIdTokenVerifier", () => {
  it("verifies with cached keys, and fetches again for a key it lacks (rotation)", async () => {
    const jwks = createJwksEndpoint([first.jwk]);
    const verifier = createIdTokenVerifier({ issuer, fetch: jwks.fetch, cooldownMs: 0 });
    expect(await verifier.verify(await first.sign())).toBe("verified");
    expect(await verifier.verify(await first.sign())).toBe("verified");
    expect(jwks.fetches).toBe(1);
    jwks.keys = [first.jwk, rotated.jwk];
    expect(await verifier.verify(await rotated.sign())).toBe("verified");
    expect(jwks.fetches).toBe(2);
  });

  it("does not fetch again within the cooldown: an unknown key is then a bad signature", async () => {
    const jwks = createJwksEndpoint([first.jwk]);
    const verifier = createIdTokenVerifier({ issuer, fetch: jwks.fetch });
    expect(await verifier.verify(await first.sign())).toBe("verified");
    jwks.keys = [rotated.jwk];
    const error = await verifier.verify(await rotated.sign()).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("invalid_token");
    expect(jwks.fetches).toBe(1);
  });

  it("refuses a token signed by another key with the same kid", async () => {
    const jwks = createJwksEndpoint([{ ...rotated.jwk, kid: "key-1" }]);
    const error = await verifyIdTokenSignature({
      idToken: await first.sign(),
      issuer,
      fetch: jwks.fetch,
    }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("invalid_token");
  });

  it("reports unreachable or unusable keys as unavailable and does not ask again for a while", async () => {
    let clock = 0;
    const jwks = createJwksEndpoint([first.jwk]);
    jwks.down = true;
    const verifier = createIdTokenVerifier({ issuer, fetch: jwks.fetch, now: () => clock });
    const token = await first.sign();
    expect(await verifier.verify(token)).toBe("unavailable");
    expect(await verifier.verify(token)).toBe("unavailable");
    expect(jwks.fetches).toBe(1);
    clock += 61_000;
    jwks.down = false;
    expect(await verifier.verify(token)).toBe("verified");
    expect(jwks.fetches).toBe(2);

    const notKeys = createJwksEndpoint([]);
    notKeys.fetch = (async () => new Response("<html>", { status: 200 })) as typeof fetch;
    expect(await verifyIdTokenSignature({ idToken: token, issuer, fetch: notKeys.fetch })).toBe(
      "unavailable",
    );
    const serverError = (async () => new Response("{}", { status: 503 })) as typeof fetch;
    expect(await verifyIdTokenSignature({ idToken: token, issuer, fetch: serverError })).toBe("unavailable");
  });
});
