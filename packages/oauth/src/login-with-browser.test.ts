import { createServer, request, type Server } from "node:http";
import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loginWithBrowser } from "./login-with-browser.js";
import { createMemoryTokenStore } from "./memory-token-store.js";
import { OAuthError } from "./oauth-errors.js";
import {
  collectSecrets,
  createOutput,
  errorMessages,
  expectNoSecrets,
  followAuthorizeUrl,
  getFreePort,
} from "./testing/test-helpers.js";
import type { TokenStore } from "./token-store.js";

let auth: FakeAuthServer;
let store: TokenStore;
const servers: Server[] = [];
beforeEach(async () => {
  auth = await startFakeAuthServer();
  store = createMemoryTokenStore();
});
afterEach(async () => {
  await auth.close();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

function startLogin(port: number, extra: Partial<Parameters<typeof loginWithBrowser>[0]> = {}) {
  const output = createOutput();
  let resolveUrl: (url: string) => void = () => undefined;
  const authorizeUrl = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  const login = loginWithBrowser({
    store,
    issuer: auth.issuer,
    port,
    print: output.print,
    openBrowser: async (url) => resolveUrl(url),
    bindRetryDelayMs: 20,
    ...extra,
  });
  login.catch(() => undefined);
  return { login, authorizeUrl, output };
}

function rawGet(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("loginWithBrowser", () => {
  it("logs in end to end like a browser and stores the login", async () => {
    const port = await getFreePort();
    const { login, authorizeUrl, output } = startLogin(port);
    const url = await authorizeUrl;
    expect(output.lines).toContain(url);
    expect(new URL(url).searchParams.get("redirect_uri")).toBe(`http://localhost:${port}/auth/callback`);
    const page = await followAuthorizeUrl(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Logged in");
    const result = await login;
    expect(result).toMatchObject({
      accountId: "acc_test",
      email: "user@example.com",
      plan: "pro",
      idTokenVerified: true,
    });
    const stored = await store.get();
    expect(stored?.accountId).toBe("acc_test");
    expect(await auth.verifyAccessToken(stored?.accessToken ?? "")).not.toBeNull();
    expect(auth.counters.authorizationCode).toBe(1);
    await expect(getFreePortIs(port)).resolves.toBe(true);
    expectNoSecrets([...output.lines, JSON.stringify(result)], collectSecrets(auth.requests, [stored]));
  });

  it("refuses a wrong state and non-loopback hosts, and keeps waiting for the right one", async () => {
    const port = await getFreePort();
    const { login, authorizeUrl } = startLogin(port);
    const url = await authorizeUrl;
    const forged = await followAuthorizeUrl(url, (callback) => callback.searchParams.set("state", "forged"));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toBe("State mismatch");
    expect(await rawGet(port, "/auth/callback?code=x&state=y", "evil.example:80")).toBe(403);
    expect(await rawGet(port, "/cancel", `localhost.evil.example:${port}`)).toBe(403);
    expect(await rawGet(port, "/cancel", `127.0.0.1.nip.io:${port}`)).toBe(403);
    // Loopback spellings get through to the state check.
    expect(await rawGet(port, "/auth/callback?code=x&state=y", `[::1]:${port}`)).toBe(400);
    expect(await rawGet(port, "/auth/callback?code=x&state=y", `LOCALHOST:${port}`)).toBe(400);
    expect(await store.get()).toBeNull();
    expect((await followAuthorizeUrl(url)).status).toBe(200);
    await expect(login).resolves.toMatchObject({ accountId: "acc_test" });
  });

  it("shows a clear page and fails with access_denied when the user declines", async () => {
    auth.configure({ authorizeError: "access_denied" });
    const port = await getFreePort();
    const { login, authorizeUrl } = startLogin(port);
    const page = await followAuthorizeUrl(await authorizeUrl);
    expect(await page.text()).toContain("Login cancelled");
    await expect(login).rejects.toMatchObject({ code: "access_denied" });
    expect(await store.get()).toBeNull();
  });

  it("takes over a port held by an older login server", async () => {
    const port = await getFreePort();
    const first = startLogin(port);
    await first.authorizeUrl;
    const second = startLogin(port);
    await expect(first.login).rejects.toMatchObject({ code: "cancelled" });
    const url = await second.authorizeUrl;
    expect(url).toContain(encodeURIComponent(`http://localhost:${port}/auth/callback`));
    await followAuthorizeUrl(url);
    await expect(second.login).resolves.toMatchObject({ accountId: "acc_test" });
  });

  it("falls back to the other port when the port stays busy, and fails clearly without one", async () => {
    const busy = await getFreePort();
    const blocker = createServer((_req, res) => res.end("not a login server"));
    servers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(busy, "127.0.0.1", resolve));
    const fallback = await getFreePort();
    const { login, authorizeUrl } = startLogin(busy, { fallbackPort: fallback });
    const url = await authorizeUrl;
    expect(new URL(url).searchParams.get("redirect_uri")).toBe(`http://localhost:${fallback}/auth/callback`);
    await followAuthorizeUrl(url);
    await expect(login).resolves.toMatchObject({ accountId: "acc_test" });

    const error = await loginWithBrowser({
      store,
      issuer: auth.issuer,
      port: busy,
      bindRetryDelayMs: 5,
      openBrowser: async () => undefined,
    }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("port_in_use");
  });

  it("finishes, or times out cleanly, even when opening the browser hangs", async () => {
    const hang = () => new Promise<void>(() => undefined);
    let announce: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const login = loginWithBrowser({
      store,
      issuer: auth.issuer,
      port: await getFreePort(),
      openBrowser: hang,
      onAuthorizeUrl: (value) => announce(value),
    });
    await followAuthorizeUrl(await url);
    await expect(login).resolves.toMatchObject({ accountId: "acc_test" });

    const timedOut = loginWithBrowser({
      store,
      issuer: auth.issuer,
      port: await getFreePort(),
      openBrowser: hang,
      timeoutMs: 100,
    });
    await expect(timedOut).rejects.toMatchObject({ code: "timeout" });
  });

  it("gives up after the time limit and frees the port", async () => {
    const port = await getFreePort();
    const { login } = startLogin(port, { timeoutMs: 100 });
    const error = await login.catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("timeout");
    expect(await getFreePortIs(port)).toBe(true);
    expect(errorMessages(error).join("\n")).toContain("within");
  });

  it("reports a refused code exchange without leaking the code or verifier", async () => {
    auth.configure({ tokenEndpoint: "fail500" });
    const port = await getFreePort();
    const { login, authorizeUrl, output } = startLogin(port);
    const page = await followAuthorizeUrl(await authorizeUrl);
    expect(page.status).toBe(500);
    const error = await login.catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("token_exchange_failed");
    expectNoSecrets(
      [...output.lines, ...errorMessages(error), await page.text()],
      collectSecrets(auth.requests),
    );
  });
});

async function getFreePortIs(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
