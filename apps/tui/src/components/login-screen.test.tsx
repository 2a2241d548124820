import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../app.js";
import type { LoginInfo } from "../login/login-driver.js";
import { createFakeLoginDriver, type FakeLoginDriver } from "../testing/fake-login-driver.js";
import { createFakeServerClient } from "../testing/fake-server-client.js";
import { testNow } from "../testing/fixtures.js";
import { plain, tick } from "../testing/frame.js";

const keys = { down: "\u001b[B", enter: "\r", escape: "\u001b", backspace: "\u007f" };
const user: LoginInfo = {
  email: "user@example.com",
  plan: "pro",
  accountId: "acc_test",
  expiresAt: new Date(testNow + 60 * 60_000),
  lastRefresh: null,
};
let unmounts: (() => void)[] = [];

afterEach(() => {
  for (const unmount of unmounts) unmount();
  unmounts = [];
});

function start(options: { driver?: FakeLoginDriver; ssh?: boolean } = {}) {
  const driver = options.driver ?? createFakeLoginDriver();
  const result = render(
    <App
      client={createFakeServerClient()}
      loginDriver={driver}
      codexHome="/home/u/.codex"
      initialScreen="login"
      ssh={options.ssh ?? false}
      now={() => testNow}
      tickMs={0}
      size={{ columns: 110, rows: 30 }}
    />,
  );
  unmounts.push(result.unmount);
  const frame = () => plain(result.lastFrame());
  return {
    ...result,
    driver,
    frame,
    until: (text: string) => vi.waitFor(() => expect(frame()).toContain(text), { timeout: 5000 }),
    press: async (input: string) => {
      result.stdin.write(input);
      await tick(30);
    },
    attempt: async () => {
      await vi.waitFor(() => expect(driver.attempt).not.toBeNull());
      const attempt = driver.attempt;
      if (!attempt) throw new Error("no attempt");
      return attempt;
    },
  };
}

describe("LoginScreen", () => {
  it("offers the four methods when logged out and names the SSH-friendly ones", async () => {
    const app = start();
    await app.until("Not logged in.");
    const frame = app.frame();
    expect(frame).toContain("Login file: /home/u/.cmp/auth.json (the server reads the same file)");
    expect(frame).toContain("› 1. Browser");
    expect(frame).toContain("2. Device code");
    expect(frame).toContain("3. Paste redirect URL");
    expect(frame).toContain("4. Import from Codex CLI");
    expect(frame).toContain(
      "Over SSH or without a browser here, Device code and Paste are the ones that work.",
    );
    expect(frame).toContain("↑↓ enter log in · 1-4 pick · n account name · d dashboard");
    expect(frame).not.toContain("x log out");
  });

  it("preselects device code over SSH and says why", async () => {
    const app = start({ ssh: true });
    await app.until("You are on SSH");
    expect(app.frame()).toContain("› 2. Device code");
  });

  it("shows a spinner while a login starts, then the device code large with its URL", async () => {
    const app = start();
    await app.until("Not logged in.");
    await app.press(keys.down);
    await app.press(keys.enter);
    const { method, attempt } = await app.attempt();
    expect(method).toBe("device");
    await app.until("Starting…");
    attempt.onPrompt({
      kind: "device_code",
      userCode: "ABCD-1234",
      verificationUrl: "http://127.0.0.1:9999/codex/device",
      expiresAt: new Date(testNow + 15 * 60_000),
    });
    await app.until("A B C D - 1 2 3 4");
    const frame = app.frame();
    expect(frame).toContain("http://127.0.0.1:9999/codex/device");
    expect(frame).toMatch(/╔═+╗/);
    expect(frame).toContain("The code expires in 15m 00s.");
    expect(frame).toContain("Waiting for you to approve the code…");
    expect(frame).toContain("esc cancel · d dashboard · a accounts · k keys · m models · q quit");
  });

  it("shows who logged in, the plan and the token expiry", async () => {
    const app = start();
    await app.until("Not logged in.");
    await app.press("2");
    const pending = await app.attempt();
    pending.resolve(user);
    await app.until("✓ Logged in as user@example.com · plan pro · token expires in 1h 00m (19:00:00)");
    expect(app.frame()).toContain(
      "Saved to /home/u/.cmp/auth.json; the server uses it from its next request.",
    );
  });

  it("explains a failure in plain words with what to do", async () => {
    const app = start();
    await app.until("Not logged in.");
    await app.press("2");
    const pending = await app.attempt();
    pending.reject(Object.assign(new Error("Device login is not enabled"), { code: "device_auth_disabled" }));
    await app.until("✗ Login failed: Device-code login is turned off for this account.");
    expect(app.frame()).toContain("What to do: Turn on device code login in ChatGPT → Settings → Security");
    await app.press(keys.enter);
    await app.until("How do you want to log in?");
  });

  it("never shows a token that an error message carried", async () => {
    const app = start();
    await app.until("Not logged in.");
    await app.press("1");
    const pending = await app.attempt();
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    pending.reject(new Error(`exchange failed for ${token}`));
    await app.until("✗ Login failed");
    expect(app.frame()).not.toContain(token);
    expect(app.frame()).toContain("[redacted]");
  });

  it("takes the pasted redirect URL and hands it to the flow without echoing it", async () => {
    const app = start();
    await app.until("Not logged in.");
    await app.press("3");
    const { attempt } = await app.attempt();
    attempt.onPrompt({ kind: "paste_url", url: "http://127.0.0.1:9999/oauth/authorize?state=s" });
    await app.until("3. Paste it here and press enter:");
    expect(app.frame()).toContain("http://127.0.0.1:9999/oauth/authorize?state=s");
    const pasted = attempt.readPastedUrl();
    const url = "http://localhost:1455/auth/callback?code=secret-code&state=s";
    await app.press(url);
    expect(app.frame()).not.toContain("secret-code");
    await app.until(`${url.length} characters pasted`);
    expect(app.frame()).toContain("[Login]");
    await app.press(keys.enter);
    await expect(pasted).resolves.toBe(url);
    await app.until("Checking the pasted URL…");
  });

  it("cancels a running login with esc", async () => {
    const app = start();
    await app.until("Not logged in.");
    await app.press("4");
    const { attempt, method } = await app.attempt();
    expect(method).toBe("import");
    await app.until("Importing the login from /home/u/.codex…");
    await app.press(keys.escape);
    await app.until("How do you want to log in?");
    expect(attempt.signal.aborted).toBe(true);
  });

  it("logs out only after confirmation", async () => {
    const driver = createFakeLoginDriver(user);
    const app = start({ driver });
    await app.until("✓ Logged in as user@example.com");
    expect(app.frame()).toContain("x log out");
    await app.press("x");
    await app.until("Log out user@example.com?");
    expect(app.frame()).toContain("deletes /home/u/.cmp/auth.json");
    await app.press("n");
    await app.until("How do you want to log in?");
    expect(driver.loggedOut).toEqual([]);
    await app.press("x");
    await app.until("Log out user@example.com?");
    await app.press("y");
    await app.until("Logged out: the stored login was deleted.");
    expect(driver.loggedOut).toEqual(["default"]);
    expect(app.frame()).toContain("Not logged in.");
  });

  it("asks for an account name: default first, checked as it is typed, used for the login and its file", async () => {
    const app = start();
    await app.until("Not logged in.");
    expect(app.frame()).toMatch(/Account\s+default\s+\(n changes it\)/);
    await app.press("n");
    await app.until("Account name for the next login");
    expect(app.frame()).toContain("enter use this name · esc cancel");
    // Global keys are text here: "d" and "m" must not switch screens.
    for (let i = 0; i < "default".length; i++) await app.press(keys.backspace);
    await app.press("Work Dm");
    await app.until('✗ "Work Dm" is not a valid account name');
    expect(app.frame()).toContain("[Login]");
    await app.press(keys.enter);
    expect(app.frame()).toContain("Account name for the next login");
    for (let i = 0; i < "Work Dm".length; i++) await app.press(keys.backspace);
    await app.press("work");
    await app.until("✓ valid name");
    await app.press(keys.enter);
    await app.until("How do you want to log in?");
    expect(app.frame()).toMatch(/Account\s+work\s+\(n changes it\)/);
    expect(app.frame()).toContain("Login file: /home/u/.cmp/accounts/work.json");

    await app.press("2");
    const attempt = await app.attempt();
    expect(attempt.name).toBe("work");
    attempt.resolve(user);
    await app.until("✓ Logged in as user@example.com");
    expect(app.frame()).toContain('Saved as account "work" to /home/u/.cmp/accounts/work.json');
  });

  it("keeps the old name when the name field is left with esc", async () => {
    const app = start();
    await app.until("Not logged in.");
    await app.press("n");
    await app.until("Account name for the next login");
    await app.press("x");
    await app.press(keys.escape);
    await app.until("How do you want to log in?");
    expect(app.frame()).toMatch(/Account\s+default\s+\(n changes it\)/);
  });

  it("shows @cmp/oauth's refusal of a ChatGPT account already saved under another name", async () => {
    const app = start();
    await app.until("Not logged in.");
    await app.press("2");
    const attempt = await app.attempt();
    attempt.reject(
      Object.assign(
        new Error(
          'This ChatGPT account is already logged in as "work"; log in with another account, or run `cmp-server accounts remove work` first.',
        ),
        { code: "duplicate_account" },
      ),
    );
    await app.until('✗ Login failed: This ChatGPT account is already logged in as "work"');
    expect(app.frame()).toContain("What to do: Log in with a different ChatGPT account");
  });

  it("logs out a named account and lists the other saved logins", async () => {
    const driver = createFakeLoginDriver(user);
    driver.logins.set("work", { ...user, email: "work@example.com" });
    const app = start({ driver });
    await app.until("also saved: work");
    await app.press("n");
    for (let i = 0; i < "default".length; i++) await app.press(keys.backspace);
    await app.press("work");
    await app.press(keys.enter);
    await app.until("✓ Logged in as work@example.com");
    expect(app.frame()).toContain("also saved: default");
    await app.press("x");
    await app.until('Log out work@example.com (account "work")?');
    expect(app.frame()).toContain("deletes /home/u/.cmp/accounts/work.json; the server's pool stops");
    await app.press("y");
    await app.until("Logged out: the stored login was deleted.");
    expect(driver.loggedOut).toEqual(["work"]);
    expect(driver.logins.has("default")).toBe(true);
  });
});
