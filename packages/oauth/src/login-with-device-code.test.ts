import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loginWithDeviceCode } from "./login-with-device-code.js";
import { createMemoryTokenStore } from "./memory-token-store.js";
import { OAuthError } from "./oauth-errors.js";
import { collectSecrets, createOutput, errorMessages, expectNoSecrets } from "./testing/test-helpers.js";
import type { TokenStore } from "./token-store.js";

let auth: FakeAuthServer;
let store: TokenStore;
let clock: number;
let sleeps: number[];
const now = () => clock;
const sleep = async (ms: number) => {
  sleeps.push(ms);
  clock += ms;
};

beforeEach(async () => {
  auth = await startFakeAuthServer();
  store = createMemoryTokenStore();
  clock = Date.now();
  sleeps = [];
});
afterEach(() => auth.close());

describe("loginWithDeviceCode", () => {
  it("shows the URL and code, polls at the server's interval until approved, and stores the login", async () => {
    auth.configure({ deviceAutoApproveAfterPolls: 3, deviceIntervalSeconds: 7 });
    const output = createOutput();
    let shown = "";
    const result = await loginWithDeviceCode({
      store,
      issuer: auth.issuer,
      print: output.print,
      now,
      sleep,
      onDeviceCode: (prompt) => {
        shown = prompt.userCode;
      },
    });
    expect(result).toMatchObject({ accountId: "acc_test", plan: "pro", idTokenVerified: true });
    expect(output.lines.join("\n")).toContain(`${auth.issuer}/codex/device`);
    expect(output.lines.join("\n")).toContain(shown);
    expect(sleeps).toEqual([7000, 7000, 7000]);
    expect(auth.counters.devicePolls).toBe(3);
    const stored = await store.get();
    expect(stored?.accountId).toBe("acc_test");
    expectNoSecrets(output.lines, collectSecrets(auth.requests, [stored]));
  });

  it("approves through the user's action", async () => {
    const login = loginWithDeviceCode({
      store,
      issuer: auth.issuer,
      now,
      sleep: async (ms) => {
        await sleep(ms);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
      onDeviceCode: (prompt) => {
        setTimeout(() => auth.approveDevice(prompt.userCode), 20);
      },
    });
    await expect(login).resolves.toMatchObject({ accountId: "acc_test" });
  });

  it("fails with access_denied when the user denies", async () => {
    const error = await loginWithDeviceCode({
      store,
      issuer: auth.issuer,
      now,
      sleep,
      onDeviceCode: (prompt) => auth.denyDevice(prompt.userCode),
    }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("access_denied");
    expect(await store.get()).toBeNull();
  });

  it("stops when the code expires", async () => {
    const error = await loginWithDeviceCode({
      store,
      issuer: auth.issuer,
      now,
      sleep,
      expiresInMs: 20_000,
    }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("device_code_expired");
    expect(auth.counters.devicePolls).toBe(3);
  });

  it("says device login must be enabled in ChatGPT's security settings when refused", async () => {
    auth.configure({ deviceAuth: "disabled" });
    const error = await loginWithDeviceCode({ store, issuer: auth.issuer, now, sleep }).catch(
      (e: unknown) => e,
    );
    expect(OAuthError.isInstance(error) && error.code).toBe("device_auth_disabled");
    expect(errorMessages(error)[0]).toContain("security settings");
  });
});
