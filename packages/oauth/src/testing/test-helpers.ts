import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";

/** An unsigned JWT with the given payload (claims tests only). */
export function makeJwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
}

/** A temp folder and its cleanup. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "cmp-oauth-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Collects printed lines. */
export function createOutput(): { lines: string[]; print: (line: string) => void } {
  const lines: string[] = [];
  return { lines, print: (line) => lines.push(line) };
}

/** Asserts that none of the secrets appears in any of the texts. */
export function expectNoSecrets(texts: string[], secrets: string[]): void {
  const joined = texts.join("\n");
  for (const secret of secrets.filter((value) => value.length >= 8)) {
    expect(joined.includes(secret), "a secret leaked into output").toBe(false);
  }
}

/** Collects every string value of the auth server's recorded requests and responses worth hiding. */
export function collectStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (value && typeof value === "object")
    for (const item of Object.values(value)) collectStrings(item, out);
  return out;
}

/** Every message of an error and its causes. */
export function errorMessages(error: unknown): string[] {
  const messages: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    messages.push(current.message, String(current.stack ?? ""));
    current = current.cause;
  }
  return messages;
}

/**
 * Acts like a browser: GET the authorize URL without following, then GET the Location (the local
 * callback), following its redirect to `/success`.
 */
export async function followAuthorizeUrl(url: string, edit?: (callback: URL) => void): Promise<Response> {
  const authorize = await fetch(url, { redirect: "manual" });
  const location = authorize.headers.get("location");
  if (!location) throw new Error(`authorize answered ${authorize.status} without a Location`);
  const callback = new URL(location);
  edit?.(callback);
  return fetch(callback.toString().replace("//localhost:", "//127.0.0.1:"), {
    headers: { host: `localhost:${callback.port}` },
  });
}

/** A port the OS says is free right now. */
export async function getFreePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Secret values seen by the fake auth server (codes, verifiers, tokens) plus those of stored logins. */
export function collectSecrets(
  requests: { body: unknown }[],
  logins: ({ idToken: string | null; accessToken: string; refreshToken: string } | null)[] = [],
): string[] {
  const secrets: string[] = [];
  for (const request of requests) {
    const body = request.body;
    if (!body || typeof body !== "object") continue;
    for (const key of ["code", "code_verifier", "refresh_token", "token", "authorization_code"]) {
      const value: unknown = (body as Record<string, unknown>)[key];
      if (typeof value === "string") secrets.push(value);
    }
  }
  for (const login of logins) {
    if (login) secrets.push(login.accessToken, login.refreshToken, ...(login.idToken ? [login.idToken] : []));
  }
  return secrets;
}
