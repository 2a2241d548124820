import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ApiError } from "../errors/api-error.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Checks the key a request presents (`Authorization: Bearer <key>` or `x-api-key`) against `keys`,
 * comparing SHA-256 digests with `timingSafeEqual`.
 */
export function createApiKeyCheck(
  keys: string[],
): (authorization: string | undefined, xApiKey: string | string[] | undefined) => boolean {
  const digests = keys.map(digest);
  return (authorization, xApiKey) => {
    const given = presentedKey(authorization, xApiKey);
    if (given === null) return false;
    const d = digest(given);
    let ok = false;
    for (const expected of digests) ok = timingSafeEqual(d, expected) || ok;
    return ok;
  };
}

/**
 * Checks `Authorization: Bearer <key>` or `x-api-key: <key>` against the configured keys, comparing
 * SHA-256 digests with `timingSafeEqual` (no length or prefix leaks). `isPublic(req)` exempts routes.
 */
export function createApiKeyAuth(
  keys: string[],
  isPublic: (method: string, path: string) => boolean,
): RequestHandler {
  const matches = createApiKeyCheck(keys);
  return (req, _res, next) => {
    if (isPublic(req.method, req.path)) {
      next();
      return;
    }
    const given = presentedKey(req.headers.authorization, req.headers["x-api-key"]);
    if (given !== null && matches(req.headers.authorization, req.headers["x-api-key"])) {
      next();
      return;
    }
    next(
      new ApiError({
        status: 401,
        code: given === null ? "missing_api_key" : "invalid_api_key",
        message:
          given === null
            ? "This server requires an API key: send Authorization: Bearer <key> or x-api-key: <key> (one of CMP_API_KEYS)."
            : "Incorrect API key provided. Use one of the keys in the server's CMP_API_KEYS.",
      }),
    );
  };
}

function presentedKey(
  authorization: string | undefined,
  xApiKey: string | string[] | undefined,
): string | null {
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const key = Array.isArray(xApiKey) ? xApiKey[0] : xApiKey;
  return key ? key.trim() : null;
}
