import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ServerError } from "./api/server-error.js";
import { App, type AppProps } from "./app.js";
import { createFakeLoginDriver, type FakeLoginDriver } from "./testing/fake-login-driver.js";
import { createFakeServerClient, type FakeServerClient } from "./testing/fake-server-client.js";
import { loggedInStatus, loggedOutStatus, quotaAt, requestRecord, testNow } from "./testing/fixtures.js";
import { plain, tick } from "./testing/frame.js";

const clock = () => testNow;
const keys = { up: "\u001b[A", down: "\u001b[B", enter: "\r", escape: "\u001b" };
let unmounts: (() => void)[] = [];

afterEach(() => {
  for (const unmount of unmounts) unmount();
  unmounts = [];
});

function start(options: { client?: FakeServerClient; driver?: FakeLoginDriver } & Partial<AppProps> = {}) {
  const client = options.client ?? createFakeServerClient({ status: loggedInStatus() });
  const driver = options.driver ?? createFakeLoginDriver();
  const result = render(
    <App
      client={client}
      loginDriver={driver}
      codexHome="/home/u/.codex"
      now={clock}
      tickMs={0}
      size={{ columns: 100, rows: 30 }}
      backoffMs={() => 60_000}
      {...options}
    />,
  );
  unmounts.push(result.unmount);
  const frame = () => plain(result.lastFrame());
  const until = (text: string) => vi.waitFor(() => expect(frame()).toContain(text), { timeout: 5000 });
  const press = async (input: string) => {
    result.stdin.write(input);
    await tick(30);
  };
  return { ...result, client, driver, frame, until, press };
}

describe("App: dashboard", () => {
  it("shows a live server, the login with its expiry countdown, and both quota bars", async () => {
    const app = start();
    await app.until("● live");
    const frame = app.frame();
    expect(frame).toContain("[Dashboard]");
    expect(frame).toContain("http://127.0.0.1:8083");
    expect(frame).toContain("✓ user@example.com · pro · token expires in 54m 12s (18:54:12)");
    expect(frame).toContain("42.5% used");
    expect(frame).toContain("77.3% used ▲ near limit");
    expect(frame).toContain(
      "d dashboard · a accounts · k keys · m models · l login · r refresh · ↑↓ scroll · 1-4 filter",
    );
  });

  it("says when the server is logged out", async () => {
    const client = createFakeServerClient();
    const app = start({ client });
    await app.until("✗ not logged in · press l to log in");
  });

  it("says why when the server cannot read the saved login (login_error)", async () => {
    const client = createFakeServerClient({
      status: { ...loggedOutStatus(), login_error: "store_corrupt: not a valid login" },
    });
    const app = start({ client, size: { columns: 160, rows: 30 } });
    await app.until("✗ saved login unreadable · store_corrupt: not a valid login · press l to log in again");
  });

  it("explains how to start a server when none answers, and keeps retrying", async () => {
    const client = createFakeServerClient({ up: false });
    const app = start({ client, backoffMs: () => 40 });
    await app.until("No server answers at http://127.0.0.1:8083.");
    expect(app.frame()).toContain("pnpm start");
    expect(app.frame()).toContain("✗ down");
    await vi.waitFor(() => expect(client.calls.status).toBeGreaterThanOrEqual(3));
    client.up = true;
    await app.until("● live");
    expect(app.frame()).not.toContain("No server answers");
  });

  it("notices when a live server goes away and reconnects when it is back", async () => {
    const client = createFakeServerClient();
    const app = start({ client, backoffMs: () => 30 });
    await app.until("● live");
    client.up = false;
    client.drop();
    await app.until("✗ down");
    client.up = true;
    await app.until("● live");
    expect(client.calls.watch).toBeGreaterThanOrEqual(2);
  });

  it("says when the server refuses the API key and what to set", async () => {
    const client = createFakeServerClient();
    client.failWith = new ServerError(
      "unauthorized",
      "the server at http://127.0.0.1:8083 needs an API key: set CMP_API_KEY (HTTP 401)",
      { status: 401 },
    );
    const app = start({ client });
    await app.until("✗ key refused");
    expect(app.frame()).toContain("Set CMP_API_KEY to one of the server's CMP_API_KEYS");
  });

  it("retries at once on r", async () => {
    const client = createFakeServerClient({ up: false });
    const app = start({ client });
    await app.until("✗ down");
    client.up = true;
    await app.press("r");
    await app.until("● live");
  });

  it("turns the quota red near the limit and marks it in words", async () => {
    const client = createFakeServerClient({ status: loggedInStatus(quotaAt(93, 71)) });
    const app = start({ client });
    await app.until("● live");
    const line = (app.lastFrame() ?? "").split("\n").find((l) => l.includes("93.0%")) ?? "";
    expect(line).toContain("\u001b[31m");
    expect(app.frame()).toContain("93.0% used ‼ almost out");
    app.client.emit({ type: "quota", data: quotaAt(99.5, 71) });
    await app.until("99.5% used ‼ almost out");
  });

  it("shows running requests live and moves finished ones to the log above", async () => {
    const app = start();
    await app.until("● live");
    app.client.emit({
      type: "request",
      data: requestRecord("r1", {
        state: "running",
        status: null,
        usage: null,
        durationMs: null,
        ttftMs: null,
      }),
    });
    await app.until("In flight (1)");
    expect(app.frame()).toMatch(/17:59:00 gpt-5\.2\s+medium\s+stream\s+run\s+—\s+1m00s/);
    app.client.emit({ type: "request", data: requestRecord("r1") });
    await app.until("In flight (0)");
    const frame = app.frame();
    expect(frame).toContain("Finished requests");
    expect(frame).toMatch(
      /17:59:00 gpt-5\.2\s+medium\s+stream\s+200\s+420ms\s+3\.2s\s+1\.2k\s+800\s+340\s+128/,
    );
    expect(frame).toMatch(/gpt-5\.2\s+1\s+0\s+1\.2k\s+800\s+340\s+128/);
  });

  it("handles many requests: counts the hidden ones and keeps the screen inside the terminal", async () => {
    const app = start();
    await app.until("● live");
    for (let i = 0; i < 40; i++) {
      app.client.emit({
        type: "request",
        data: requestRecord(`run-${i}`, {
          state: "running",
          status: null,
          usage: null,
          model: i % 2 ? "gpt-5.2" : "gpt-5.1-codex",
        }),
      });
    }
    for (let i = 0; i < 25; i++) {
      app.client.emit({
        type: "request",
        data: requestRecord(`run-${i}`, { model: i % 2 ? "gpt-5.2" : "gpt-5.1-codex" }),
      });
    }
    await app.until("In flight (15)");
    const frame = app.frame();
    expect(frame).toMatch(/… \d+ more started earlier/);
    expect(frame).toMatch(/gpt-5\.1-codex\s+13\s+0/);
    expect(frame).toMatch(/gpt-5\.2\s+12\s+0/);
    const live = frame.slice(frame.indexOf("ChatGPT Max Proxy"));
    expect(live.split("\n").length).toBeLessThan(30);
    expect(frame.match(/ 200 /g)?.length).toBe(25);
  });

  it("lists failures in the error feed and scrolls it with the arrows", async () => {
    const app = start({ size: { columns: 100, rows: 20 } });
    await app.until("● live");
    for (let i = 0; i < 12; i++) {
      app.client.emit({
        type: "request",
        data: requestRecord(`e${i}`, { state: "error", status: 429, error: `usage limit reached #${i}` }),
      });
    }
    await app.until("Errors (12)");
    expect(app.frame()).toContain("gpt-5.2 HTTP 429: usage limit reached #11");
    const visibleBefore = app.frame().split("Errors (12)")[1] ?? "";
    expect(visibleBefore).not.toContain("#0\n");
    await app.press(keys.up);
    await app.press(keys.up);
    await app.until("↑ 2 back");
    expect((app.frame().split("Errors (12)")[1] ?? "").includes("#11")).toBe(false);
  });

  it("shows refresh events from the management stream", async () => {
    const app = start({ size: { columns: 140, rows: 30 } });
    await app.until("● live");
    app.client.emit({ type: "auth", data: { type: "refreshed", at: new Date(testNow).toISOString() } });
    await app.until("refreshed 18:00:00");
    app.client.emit({ type: "auth", data: { type: "refresh_failed", at: new Date(testNow).toISOString() } });
    await app.until("refresh failed 18:00:00");
    expect(app.frame()).toContain("token refresh failed: log in again (press l)");
  });
});

describe("App: request filters and per-key totals", () => {
  function withTraffic() {
    const app = start({ size: { columns: 120, rows: 40 } });
    const records = [
      requestRecord("a1", { key: "alice", account: "default" }),
      requestRecord("a2", {
        key: "alice",
        account: "b",
        state: "error",
        status: 429,
        errorCode: "usage_limit_reached",
      }),
      requestRecord("b1", { key: "bob", account: "default", model: "gpt-5.4" }),
      requestRecord("n1", { account: "default", state: "error", status: 502, errorCode: "upstream_error" }),
    ];
    return { app, records };
  }

  it("shows requests and tokens per key once a named key was seen", async () => {
    const { app, records } = withTraffic();
    await app.until("● live");
    expect(app.frame()).not.toContain("Totals per key");
    for (const record of records) app.client.emit({ type: "request", data: record });
    await app.until("Totals per key");
    const frame = app.frame();
    expect(frame).toMatch(/alice\s+2\s+1\s+2\.4k\s+1\.6k\s+680\s+256/);
    expect(frame).toMatch(/bob\s+1\s+0\s+1\.2k/);
    expect(frame).toMatch(/\(no key\)\s+1\s+1\s+1\.2k/);
  });

  it("cycles filters by key, status, model and account with 1-4, shows them, and clears them with 0", async () => {
    const { app, records } = withTraffic();
    await app.until("● live");
    for (const record of records) app.client.emit({ type: "request", data: record });
    await app.until("Totals per key");
    expect(app.frame()).not.toContain("Filter ");
    await app.press("1");
    await app.until("Filter  key=(no key)");
    expect(app.frame()).toContain("Matching requests (1 of 4 finished)");
    await app.press("1");
    await app.until("Filter  key=alice");
    expect(app.frame()).toContain("Matching requests (2 of 4 finished)");
    expect(app.frame()).toContain("0 clear");
    await app.press("2");
    await app.press("2");
    await app.until("Filter  key=alice · status=error");
    expect(app.frame()).toContain("Matching requests (1 of 4 finished)");
    expect(app.frame()).toMatch(/Matching requests[\s\S]*gpt-5\.2\s+medium\s+stream\s+429/);
    await app.press("0");
    await vi.waitFor(() => expect(app.frame()).not.toContain("Filter "));
    expect(app.frame()).not.toContain("Matching requests");
    await app.press("3");
    await app.press("3");
    await app.until("Filter  model=gpt-5.4");
    expect(app.frame()).toContain("Matching requests (1 of 4 finished)");
    await app.press("0");
    await app.press("4");
    await app.press("4");
    await app.until("Filter  account=default");
    expect(app.frame()).toContain("Matching requests (3 of 4 finished)");
  });

  it("filters the requests in flight too", async () => {
    const { app } = withTraffic();
    await app.until("● live");
    const running = { state: "running" as const, status: null, usage: null, durationMs: null, ttftMs: null };
    app.client.emit({ type: "request", data: requestRecord("r1", { ...running, key: "alice" }) });
    app.client.emit({ type: "request", data: requestRecord("r2", { ...running, key: "bob" }) });
    await app.until("In flight (2)");
    await app.press("1");
    await app.press("1");
    await app.until("Filter  key=bob");
    expect(app.frame()).toContain("In flight (1 of 2)");
    expect(app.frame()).toContain("Matching requests (0 of 0 finished)");
  });
});

describe("App: keyboard and terminal", () => {
  it("switches screens with d, a, k, m and l, and quits with q", async () => {
    const app = start();
    await app.until("● live");
    await app.press("a");
    await app.until("[Accounts]");
    await app.press("k");
    await app.until("[Keys]");
    await app.press("m");
    await app.until("[Models]");
    await app.press("l");
    await app.until("[Login]");
    await app.press("d");
    await app.until("[Dashboard]");
    await app.press("q");
    await app.press("m");
    await tick(50);
    // After quitting, Ink may leave the last frame or clear it; either way no key acts any more.
    expect(app.frame()).not.toContain("[Models]");
  });

  it("asks for a bigger terminal instead of drawing a broken screen", async () => {
    const app = start({ size: { columns: 50, rows: 12 } });
    await app.until("Terminal too small (50×12).");
    expect(app.frame()).toContain("at least 60×15");
    app.rerender(
      <App
        client={app.client}
        loginDriver={app.driver}
        codexHome="/c"
        now={clock}
        tickMs={0}
        size={{ columns: 80, rows: 24 }}
      />,
    );
    await app.until("[Dashboard]");
  });

  it("draws no colour when NO_COLOR is set", async () => {
    const client = createFakeServerClient({ status: loggedInStatus(quotaAt(95, 75)) });
    const app = start({ client, noColor: true });
    await app.until("● live");
    expect(app.lastFrame()).not.toMatch(/\u001b\[(3\d|9\d)m/);
  });
});
