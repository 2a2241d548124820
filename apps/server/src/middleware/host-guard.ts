import { OpenAIHttpError } from "@cmp/transform";
import type { HttpContext } from "../http/http-context.js";

/** True for addresses only this machine can reach: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

const ALLOWED_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The host name of a `Host` header without its port (`[::1]:8083` → `[::1]`). */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(":");
  return colon === -1 ? h : h.slice(0, colon);
}

/** True when a `Host` header names this machine: `localhost`, `127.0.0.1` or `[::1]`, any port. */
export function isAllowedHost(host: string | undefined): boolean {
  return host !== undefined && ALLOWED_HOSTS.has(hostName(host));
}

/**
 * On a loopback listener, refuses (403) requests whose `Host` is not `localhost`, `127.0.0.1` or `[::1]`:
 * a web page that rebinds its DNS name to 127.0.0.1 must not reach the API.
 */
export function requireAllowedHost(http: HttpContext): void {
  if (isAllowedHost(http.req.headers.host)) return;
  throw new OpenAIHttpError({
    status: 403,
    code: "host_not_allowed",
    message:
      "This server only answers requests addressed to localhost, 127.0.0.1 or [::1] (DNS rebinding protection). " +
      "To serve other hosts, listen on a non-loopback CMP_HOST with CMP_API_KEYS set.",
  });
}
