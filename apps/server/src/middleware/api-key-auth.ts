import { createHash, timingSafeEqual } from "node:crypto";
import { OpenAIHttpError } from "@cmp/transform";
import type { HttpContext } from "../http/http-context.js";

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
 * Refuses (401) a request that does not present one of `keys` (`Authorization: Bearer <key>` or
 * `x-api-key: <key>`), comparing SHA-256 digests with `timingSafeEqual` (no length or prefix leaks).
 */
export function createApiKeyGuard(keys: string[]): (http: HttpContext) => void {
  const matches = createApiKeyCheck(keys);
  return (http) => {
    const { authorization, "x-api-key": xApiKey } = http.req.headers;
    if (matches(authorization, xApiKey)) return;
    const missing = presentedKey(authorization, xApiKey) === null;
    throw new OpenAIHttpError({
      status: 401,
      code: missing ? "missing_api_key" : "invalid_api_key",
      message: missing
        ? "This server requires an API key: send Authorization: Bearer <key> or x-api-key: <key> (one of CMP_API_KEYS)."
        : "Incorrect API key provided. Use one of the keys in the server's CMP_API_KEYS.",
    });
  };
}

/**
 * The key a request presents: `Authorization: Bearer <key>`, else `x-api-key: <key>` (trimmed); `null`
 * when it presents none.
 */
export function presentedApiKey(
  authorization: string | undefined,
  xApiKey: string | string[] | undefined,
): string | null {
  return presentedKey(authorization, xApiKey);
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
