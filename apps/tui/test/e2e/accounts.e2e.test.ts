import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiKeyList, apiKeyListSchema, type ServerStatus, serverStatusSchema } from "@cmp/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, tuiCli } from "./e2e-environment.js";
import { hasTmux, startTmuxSession, type TmuxSession } from "./tmux-session.js";

// The built dashboard in tmux against a canned server: a pool of three accounts (one active, one cooling
// down, one needing a login) and three named keys. The server's pool and keys routes are built
// elsewhere; this server answers only what the dashboard reads, in the shapes @cmp/protocol defines
// (both bodies are checked against its schemas before they are served).
// With CMP_TUI_SCREENS=1 it writes the captures to apps/tui/screens/{accounts,keys}.txt for the README.

const screensDir = join(repoRoot, "apps", "tui", "screens");
const saveScreens = process.env["CMP_TUI_SCREENS"] === "1";

let server: Server | undefined;
let tui: TmuxSession | undefined;
let home = "";
let url = "";
const requests: string[] = [];

async function saveScreen(name: string, screen: string): Promise<void> {
  if (!saveScreens) return;
  await mkdir(screensDir, { recursive: true });
  const text = screen.replace(/[ \t]+$/gm, "").replace(/\n+$/, "\n");
  await writeFile(join(screensDir, `${name}.txt`), text);
}

const iso = (ms: number) => new Date(ms).toISOString();

function cannedStatus(now: number): ServerStatus {
  const primary = {
    used_percent: 42.5,
    window_minutes: 300,
    resets_at: iso(now + 2 * 3_600_000 + 55 * 60_000),
  };
  const secondary = { used_percent: 77.25, window_minutes: 10_080, resets_at: iso(now + 3 * 86_400_000) };
  return serverStatusSchema.parse({
    logged_in: true,
    account: { email: "user@example.com", plan: "pro", account_id: "acc_default" },
    token: { expires_at: iso(now + 3_600_000), last_refresh: iso(now - 60_000), reauth_required: false },
    quota: { primary, secondary, credits: null, plan_type: "pro", updated_at: iso(now) },
    accounts: [
      {
        name: "default",
        email: "user@example.com",
        plan: "pro",
        state: "active",
        primary,
        secondary,
        cooldown_until: null,
        last_error: null,
        requests: 128,
      },
      {
        name: "team",
        email: "team@example.com",
        plan: "plus",
        state: "cooling_down",
        primary: { used_percent: 100, window_minutes: 300, resets_at: iso(now + 12 * 60_000 + 30_000) },
        secondary: { used_percent: 64, window_minutes: 10_080, resets_at: iso(now + 5 * 86_400_000) },
        cooldown_until: iso(now + 12 * 60_000 + 30_000),
        last_error: "usage_limit_reached",
        requests: 57,
      },
      {
        name: "old-laptop",
        email: "old@example.com",
        plan: "pro",
        state: "needs_login",
        primary: null,
        secondary: null,
        cooldown_until: null,
        last_error: "refresh_token_reused",
        requests: 3,
      },
    ],
    server: { version: "0.2.0", uptime_seconds: 3600, instructions_mode: "client", client_profiles: [] },
  });
}

function cannedKeys(now: number): ApiKeyList {
  const day = Date.UTC(
    new Date(now).getUTCFullYear(),
    new Date(now).getUTCMonth(),
    new Date(now).getUTCDate(),
  );
  const usage = (requests: number, input: number, output: number) => ({
    requests,
    input,
    cached: Math.floor(input / 2),
    output,
    reasoning: 0,
  });
  return apiKeyListSchema.parse({
    object: "list",
    data: [
      {
        name: "ops-admin",
        created_at: iso(now - 20 * 86_400_000),
        last_used_at: iso(now - 90_000),
        admin: true,
        models: null,
        rpm: null,
        budget: null,
        usage: usage(42, 310_000, 21_000),
        period_start: iso(day),
      },
      {
        name: "ci-bot",
        created_at: iso(now - 6 * 86_400_000),
        last_used_at: iso(now - 4 * 60_000),
        admin: false,
        models: ["gpt-5.4-mini"],
        rpm: 30,
        budget: { tokens: 2_000_000, per: "day", used: 1_240_000, resets_at: iso(day + 86_400_000) },
        usage: usage(311, 1_100_000, 140_000),
        period_start: iso(day),
      },
      {
        name: "intern",
        created_at: iso(now - 2 * 86_400_000),
        last_used_at: null,
        admin: false,
        models: null,
        rpm: 10,
        budget: { tokens: 100_000, per: "week", used: 93_500, resets_at: iso(now + 4 * 86_400_000) },
        usage: usage(61, 80_000, 13_500),
        period_start: iso(now - 3 * 86_400_000),
      },
    ],
  });
}

beforeAll(async () => {
  if (!(await hasTmux())) {
    throw new Error(
      "tmux is needed for the dashboard's end-to-end test: install it (apt-get install -y tmux)",
    );
  }
  home = await mkdtemp(join(tmpdir(), "cmp-tui-accounts-e2e-"));
  const started = Date.now();
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method === "GET" && req.url === "/v1/status") json(200, cannedStatus(started));
    else if (req.method === "GET" && req.url === "/v1/management/keys") json(200, cannedKeys(started));
    else if (req.method === "GET" && req.url === "/v1/management/events") {
      // The snapshot, then nothing: the stream stays open like a quiet server's.
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      res.write(
        `event: snapshot\ndata: ${JSON.stringify({ status: cannedStatus(started), recent: [] })}\n\n`,
      );
    } else {
      json(404, {
        error: {
          message: "Unsupported endpoint",
          type: "invalid_request_error",
          code: "unsupported_endpoint",
        },
      });
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tui = await startTmuxSession({
    command: [process.execPath, tuiCli],
    env: {
      CMP_HOME: join(home, "cmp"),
      CODEX_HOME: join(home, "codex"),
      CMP_SERVER_URL: url,
      CMP_API_KEY: "cmp-e2e-admin-key",
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
      CI: "0",
    },
    columns: 120,
    rows: 32,
  });
}, 300_000);

afterAll(async () => {
  await tui?.kill();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (home) await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}, 30_000);

describe("cmp-tui accounts and keys views in a terminal", () => {
  it("shows a pool of three accounts with a live cooldown countdown, then the named keys", async () => {
    if (!tui) throw new Error("set-up failed");
    await tui.waitFor((s) => s.includes("● live"), "the dashboard");

    await tui.send("a");
    const accounts = await tui.waitFor(
      (s) => s.includes("Accounts (3)") && /back in 12m \d\ds/.test(s),
      "the accounts view",
    );
    expect(accounts).toContain("[Accounts]");
    expect(accounts).toContain("1 active · 1 cooling down · 1 needs login");
    expect(accounts).toMatch(/default\s+user@example\.com · pro\s+● active\s+128/);
    expect(accounts).toMatch(/team\s+team@example\.com · plus\s+◐ cooling down\s+57/);
    expect(accounts).toMatch(/old-laptop\s+old@example\.com · pro\s+✗ needs login\s+3/);
    expect(accounts).toContain("· usage_limit_reached");
    expect(accounts).toContain("refresh_token_reused · log in again: cmp-server login --account old-laptop");
    expect(accounts).toMatch(/5h\s+█+░+\s+42\.5% used/);
    expect(accounts).toMatch(/5h\s+█+\s+100\.0% used ‼ limit reached/);
    await saveScreen("accounts", accounts);

    // The countdown runs on the dashboard's own clock.
    const first = /back in (12m \d\ds)/.exec(accounts)?.[1];
    await tui.waitFor((s) => {
      const shown = /back in (\d+m \d\ds)/.exec(s)?.[1];
      return shown !== undefined && shown !== first;
    }, "the cooldown countdown to move");

    await tui.send("k");
    const keys = await tui.waitFor(
      (s) => s.includes("Named API keys (3)") && s.includes("intern"),
      "the keys view",
    );
    expect(keys).toContain("[Keys]");
    expect(keys).toMatch(/ops-admin\s+admin · no rpm limit · any model · last used 1m \d\ds ago/);
    expect(keys).toContain("62.0% of 2.00M tokens/day · 1.24M used · 311 requests");
    expect(keys).toContain("93.5% of 100k tokens/week");
    expect(keys).toContain("no budget · 331k tokens this period · 42 requests");
    expect(keys).toContain("n new key · x revoke");
    await saveScreen("keys", keys);
    expect(requests).toContain("GET /v1/management/keys Bearer cmp-e2e-admin-key");

    await tui.send("q");
    const deadline = Date.now() + 5000;
    while (!(await tui.exited()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await tui.exited()).toBe(true);
  }, 120_000);
});
