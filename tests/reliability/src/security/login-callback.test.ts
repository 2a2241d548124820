import { statSync } from "node:fs";
import { join } from "node:path";
import { createFileTokenStore, loginWithBrowser } from "@cmp/oauth";
import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RawResponse, sendRequest } from "../harness/http-request.js";
import { SecretRegistry } from "../harness/secrets.js";
import { createTempHome, removeTempHome } from "../harness/temp-home.js";
import { recordCategory } from "../summary.js";

let auth: FakeAuthServer;
let home: string;

beforeAll(async () => {
  auth = await startFakeAuthServer();
  home = createTempHome("login");
});

afterAll(async () => {
  await auth?.close();
  if (home) removeTempHome(home);
});

function get(port: number, path: string, host: string): Promise<RawResponse> {
  return sendRequest({
    baseUrl: `http://127.0.0.1:${port}`,
    method: "GET",
    path,
    headers: { host },
    timeoutMs: 5_000,
  });
}

describe("the login callback server", () => {
  it("refuses a wrong state and requests for another host, then completes the real login with private files", async () => {
    const attacks: Array<{ what: string; res: RawResponse; expected: number }> = [];
    const secrets = new SecretRegistry();
    const previousUmask = process.umask(0o000);
    const dataDir = join(home, "data");
    try {
      const result = await loginWithBrowser({
        store: createFileTokenStore({ path: join(dataDir, "auth.json") }),
        issuer: auth.issuer,
        port: 0,
        fallbackPort: null,
        timeoutMs: 20_000,
        openBrowser: async (url) => {
          const authorize = new URL(url);
          const state = authorize.searchParams.get("state") ?? "";
          const redirect = new URL(authorize.searchParams.get("redirect_uri") ?? "");
          const port = Number(redirect.port);
          const local = `localhost:${port}`;
          const attempt = async (what: string, path: string, host: string, expected: number) => {
            attacks.push({ what, res: await get(port, path, host), expected });
          };
          await attempt("wrong state", "/auth/callback?code=ac_attacker&state=wrong", local, 400);
          await attempt("empty state", "/auth/callback?code=ac_attacker&state=", local, 400);
          await attempt("no state", "/auth/callback?code=ac_attacker", local, 400);
          await attempt(
            "state prefix",
            `/auth/callback?code=ac_attacker&state=${state.slice(0, -1)}`,
            local,
            400,
          );
          await attempt("state plus one char", `/auth/callback?code=ac_attacker&state=${state}x`, local, 400);
          await attempt(
            "state in upper case",
            `/auth/callback?code=ac_attacker&state=${state.toUpperCase()}`,
            local,
            400,
          );
          await attempt(
            "right state, foreign Host",
            `/auth/callback?code=ac_attacker&state=${state}`,
            "evil.example",
            403,
          );
          await attempt(
            "right state, rebinding Host",
            `/auth/callback?code=ac_attacker&state=${state}`,
            `localhost.evil.example:${port}`,
            403,
          );
          await attempt(
            "right state, IP-like foreign Host",
            `/auth/callback?code=ac_attacker&state=${state}`,
            `127.0.0.1.nip.io:${port}`,
            403,
          );
          await attempt("cancel from a foreign Host", "/cancel", "evil.example", 403);
          // The real browser: the issuer redirects back with a code and the right state.
          const issued = await fetch(url, { redirect: "manual" });
          const callback = new URL(issued.headers.get("location") ?? "");
          secrets.add(callback.searchParams.get("code"));
          const done = await get(port, `${callback.pathname}${callback.search}`, local);
          expect(done.status).toBe(302);
          expect(secrets.findIn(done.text)).toEqual([]);
        },
      });
      expect(result.accountId).toBe("acc_test");
    } finally {
      process.umask(previousUmask);
    }
    for (const attack of attacks) {
      expect(attack.res.status, attack.what).toBe(attack.expected);
      expect(attack.res.text, attack.what).not.toContain("ac_attacker");
    }
    expect(auth.counters.authorizationCode, "only the real code was exchanged").toBe(1);
    const codesSent = auth.requests
      .filter((r) => r.path === "/oauth/token")
      .map((r) => String((r.body as { code?: string }).code));
    expect(codesSent).not.toContain("ac_attacker");
    expect(statSync(dataDir).mode & 0o777, "data folder mode under umask 000").toBe(0o700);
    expect(statSync(join(dataDir, "auth.json")).mode & 0o777, "auth.json mode under umask 000").toBe(0o600);
    recordCategory({
      category: "security: login callback (state, Host, file modes)",
      cases: attacks.length + 3,
      failures: 0,
    });
  });
});
