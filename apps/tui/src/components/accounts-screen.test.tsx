import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App, type AppProps } from "../app.js";
import { createFakeLoginDriver } from "../testing/fake-login-driver.js";
import { createFakeServerClient, type FakeServerClient } from "../testing/fake-server-client.js";
import { account, loggedInStatus, loggedOutStatus, poolStatus, testNow } from "../testing/fixtures.js";
import { plain, tick } from "../testing/frame.js";

let unmounts: (() => void)[] = [];

afterEach(() => {
  for (const unmount of unmounts) unmount();
  unmounts = [];
});

function start(options: { client?: FakeServerClient } & Partial<AppProps> = {}) {
  const client = options.client ?? createFakeServerClient({ status: poolStatus() });
  const result = render(
    <App
      client={client}
      loginDriver={createFakeLoginDriver()}
      codexHome="/home/u/.codex"
      initialScreen="accounts"
      now={() => testNow}
      tickMs={0}
      accountsPollMs={0}
      size={{ columns: 120, rows: 30 }}
      {...options}
    />,
  );
  unmounts.push(result.unmount);
  const frame = () => plain(result.lastFrame());
  return {
    ...result,
    client,
    frame,
    until: (text: string | RegExp) =>
      vi.waitFor(
        () => (typeof text === "string" ? expect(frame()).toContain(text) : expect(frame()).toMatch(text)),
        { timeout: 5000 },
      ),
    press: async (input: string) => {
      result.stdin.write(input);
      await tick(30);
    },
  };
}

const lineWith = (frame: string, text: string) => frame.split("\n").find((l) => l.includes(text)) ?? "";

describe("AccountsScreen", () => {
  it("lists every account with its state, requests, cooldown, last error and quota bars", async () => {
    const app = start();
    await app.until("Accounts (3)");
    const frame = app.frame();
    expect(frame).toContain("[Accounts]");
    expect(frame).toContain("Accounts (3)  1 active · 1 cooling down · 1 needs login");
    expect(frame).toMatch(/default\s+default@example\.com · pro\s+● active\s+12/);
    expect(frame).toMatch(/b\s+b@example\.com · plus\s+◐ cooling down\s+7/);
    expect(frame).toMatch(/c\s+c@example\.com · pro\s+✗ needs login\s+3/);
    expect(frame).toContain("back in 12m 30s (18:12:30) · usage_limit_reached");
    expect(frame).toContain(
      "refresh_token_reused · log in again: cmp-server login --account c, or l here with name c",
    );
    expect(frame).toMatch(/5h\s+█+░+\s+42\.5% used/);
    expect(frame).toMatch(/weekly\s+█+░+\s+77\.3% used ▲ near limit/);
    expect(frame).toMatch(/5h\s+█+\s+100\.0% used ‼ limit reached/);
    expect(frame).toContain("quota   not seen yet: it appears after a request this account serves");
  });

  it("colours the states: green active, amber cooling down, red needs login", async () => {
    const app = start();
    await app.until("Accounts (3)");
    const raw = app.lastFrame() ?? "";
    expect(lineWith(raw, "● active")).toContain("\u001b[32m");
    expect(lineWith(raw, "◐ cooling down")).toContain("\u001b[33m");
    expect(lineWith(raw, "✗ needs login")).toContain("\u001b[31m");
  });

  it("counts the cooldown down with the dashboard's clock", async () => {
    let now = testNow;
    const app = start({ now: () => now, tickMs: 20 });
    await app.until("back in 12m 30s (18:12:30)");
    now = testNow + 60_000;
    await app.until("back in 11m 30s (18:12:30)");
    now = testNow + 13 * 60_000;
    await app.until("cooldown over: tried again on the next request");
  });

  it("moves an account live on an account event, and puts trouble in the error feed", async () => {
    const app = start();
    await app.until("◐ cooling down");
    // Status reads fail from here on (the open stream stays): what changes comes from the events alone.
    app.client.up = false;
    const until = new Date(testNow + 30 * 60_000).toISOString();
    const at = new Date(testNow).toISOString();
    app.client.emit({
      type: "account",
      data: { name: "default", state: "cooling_down", until, reason: "usage_limit_reached", at },
    });
    await app.until("Accounts (3)  2 cooling down · 1 needs login");
    expect(app.frame()).toContain("back in 30m 00s (18:30:00) · usage_limit_reached");
    app.client.emit({ type: "account", data: { name: "b", state: "active", until: null, reason: null, at } });
    await app.until("Accounts (3)  1 active · 1 cooling down · 1 needs login");
    expect(app.frame()).toMatch(/b\s+b@example\.com · plus\s+● active/);
    expect(app.frame()).not.toContain("back in 12m 30s");
    app.client.emit({
      type: "account",
      data: { name: "d", state: "disabled", until: null, reason: null, at },
    });
    await app.until("Accounts (4)");
    await app.press("d");
    await app.until("Errors (1)");
    expect(app.frame()).toContain("account default is cooling down: usage_limit_reached");
  });

  it("re-reads the status on an account event and while the screen is open", async () => {
    const client = createFakeServerClient({ status: poolStatus() });
    const app = start({ client, accountsPollMs: 30 });
    await app.until("Accounts (3)");
    await vi.waitFor(() => expect(client.calls.status).toBeGreaterThanOrEqual(3));
    client.status = { ...poolStatus(), accounts: [account("default", { requests: 40 })] };
    await app.until("Accounts (1)");
    expect(app.frame()).toMatch(/● active\s+40/);
  });

  it("shows the single login of a server without a pool as one account", async () => {
    const app = start({ client: createFakeServerClient({ status: loggedInStatus() }) });
    await app.until("Accounts (1)  this server has no account pool: it serves one login");
    expect(app.frame()).toMatch(/default\s+user@example\.com · pro\s+● active\s+—/);
    expect(app.frame()).toMatch(/5h\s+█+░+\s+42\.5% used/);
  });

  it("says when no account is logged in, and when the server cannot read its login", async () => {
    const app = start({ client: createFakeServerClient({ status: loggedOutStatus() }) });
    await app.until("No account is logged in: press l to log in.");
    const broken = start({
      client: createFakeServerClient({
        status: { ...loggedOutStatus(), login_error: "store_corrupt: bad JSON" },
      }),
    });
    await broken.until("✗ needs login");
    expect(broken.frame()).toContain("store_corrupt: bad JSON · log in again");
  });

  it("scrolls a pool taller than the terminal with the arrows", async () => {
    const many = { ...poolStatus(), accounts: Array.from({ length: 9 }, (_, i) => account(`acct-${i}`)) };
    const app = start({ client: createFakeServerClient({ status: many }), size: { columns: 100, rows: 18 } });
    await app.until("Accounts (9)");
    expect(app.frame()).toMatch(/↓ \d+ more below/);
    expect(app.frame()).toContain("acct-0");
    await app.press("\u001b[B");
    await app.until("↑ 1 more above");
    expect(app.frame()).not.toContain("acct-0 ");
  });
});
