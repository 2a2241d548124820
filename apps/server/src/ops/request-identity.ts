import type { HttpContext } from "../http/http-context.js";
import type { StoredApiKey } from "./key-registry.js";

/**
 * Who made a request, as the pipeline's key check found it:
 * - `open`: the server requires no key (no `CMP_API_KEYS`, no named keys): full access, as always;
 * - `static`: one of `CMP_API_KEYS` or `CMP_API_KEY` (the dashboard's): full access, unnamed, no limits;
 * - `named`: a named key (`cmp-server keys create`), with its settings.
 */
export type RequestIdentity = { kind: "open" } | { kind: "static" } | { kind: "named"; key: StoredApiKey };

/** The identity of an open server. */
export const OPEN_IDENTITY: RequestIdentity = Object.freeze({ kind: "open" });
/** The identity of a `CMP_API_KEYS` / `CMP_API_KEY` key. */
export const STATIC_IDENTITY: RequestIdentity = Object.freeze({ kind: "static" });

const identities = new WeakMap<HttpContext, RequestIdentity>();

/** Records who made `http` (the pipeline's key check). */
export function setRequestIdentity(http: HttpContext, identity: RequestIdentity): void {
  identities.set(http, identity);
}

/** Who made `http`; `undefined` for a public path (`/health`) or a request refused before the check. */
export function requestIdentity(http: HttpContext): RequestIdentity | undefined {
  return identities.get(http);
}

/**
 * True when `http` may use what only operators may: the management API (`/v1/management/*`),
 * `/metrics` and key management over HTTP. That is a request to a server that requires no key, one
 * made with a `CMP_API_KEYS` or `CMP_API_KEY` key, or one made with a named key created `--admin`.
 * A request that skipped the key check (a public path) is not.
 */
export function isAdminRequest(http: HttpContext): boolean {
  const identity = identities.get(http);
  if (identity === undefined) return false;
  return identity.kind !== "named" || identity.key.admin;
}

/**
 * True when `http` may choose the pool account that serves it (the `x-cmp-account` header): the same
 * requests as {@link isAdminRequest}, since pinning bypasses the pool's own choice.
 */
export function mayPinAccount(http: HttpContext): boolean {
  return isAdminRequest(http);
}

/** The name of the named key that made `http`, `null` for none (open server, `CMP_API_KEYS` key). */
export function requestKeyName(http: HttpContext): string | null {
  const identity = identities.get(http);
  return identity?.kind === "named" ? identity.key.name : null;
}
