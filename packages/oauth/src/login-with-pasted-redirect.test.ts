import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loginWithPastedRedirect } from "./login-with-pasted-redirect.js";
import { createMemoryTokenStore } from "./memory-token-store.js";
import { OAuthError } from "./oauth-errors.js";
import { collectSecrets, createOutput, errorMessages, expectNoSecrets } from "./testing/test-helpers.js";
import type { TokenStore } from "./token-store.js";

let auth: FakeAuthServer;
let store: TokenStore;
beforeEach(async () => {
  auth = await startFakeAuthServer();
  store = createMemoryTokenStore();
});
afterEach(() => auth.close());

/** Plays the user on another machine: opens the URL, copies where the browser ended. */
function pasteFrom(transform: (redirect: URL) => string) {
  let url = "";
  return {
    onAuthorizeUrl: (value: string) => {
      url = value;
    },
    readInput: async () => {
      const response = await fetch(url, { redirect: "manual" });
      return transform(new URL(response.headers.get("location") ?? ""));
    },
  };
}

describe("loginWithPastedRedirect", () => {
  it.each([
    ["the full redirect URL", (redirect: URL) => redirect.toString()],
    ["the query string", (redirect: URL) => redirect.search],
    [
      "code#state",
      (redirect: URL) => `${redirect.searchParams.get("code")}#${redirect.searchParams.get("state")}`,
    ],
  ])("logs in from %s", async (_name, transform) => {
    const output = createOutput();
    const result = await loginWithPastedRedirect({
      store,
      issuer: auth.issuer,
      print: output.print,
      ...pasteFrom(transform),
    });
    expect(result).toMatchObject({ accountId: "acc_test", email: "user@example.com" });
    expect(output.lines.some((line) => line.startsWith(`${auth.issuer}/oauth/authorize?`))).toBe(true);
    const stored = await store.get();
    expect(stored?.accountId).toBe("acc_test");
    expectNoSecrets(output.lines, collectSecrets(auth.requests, [stored]));
  });

  it("refuses a redirect from another login attempt", async () => {
    const paste = pasteFrom((redirect) => {
      redirect.searchParams.set("state", "someone-elses-state");
      return redirect.toString();
    });
    const error = await loginWithPastedRedirect({ store, issuer: auth.issuer, ...paste }).catch(
      (e: unknown) => e,
    );
    expect(OAuthError.isInstance(error) && error.code).toBe("state_mismatch");
    expect(auth.counters.authorizationCode).toBe(0);
    expectNoSecrets(errorMessages(error), collectSecrets(auth.requests));
  });

  it("refuses input without a code", async () => {
    const error = await loginWithPastedRedirect({
      store,
      issuer: auth.issuer,
      readInput: async () => "   ",
    }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("invalid_input");
  });
});
