import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeUpstream, type ServerProcess, startFakeUpstream } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startBuiltServer, tuiCli } from "./e2e-environment.js";
import { hasTmux, startTmuxSession, type TmuxSession } from "./tmux-session.js";

// The real dashboard in a real pseudo-terminal (tmux), against the built server and the test kit's fakes.
// With CMP_TUI_SCREENS=1 it also writes each captured screen to apps/tui/screens/<name>.txt for the README.

const screensDir = join(repoRoot, "apps", "tui", "screens");
const saveScreens = process.env["CMP_TUI_SCREENS"] === "1";

let upstream: FakeUpstream | undefined;
let server: ServerProcess | undefined;
let tui: TmuxSession | undefined;
let home = "";

async function saveScreen(name: string, screen: string): Promise<void> {
  if (!saveScreens) return;
  await mkdir(screensDir, { recursive: true });
  const text = screen.replace(/[ \t]+$/gm, "").replace(/\n+$/, "\n");
  await writeFile(join(screensDir, `${name}.txt`), text);
}

async function send(path: string, body: unknown): Promise<Response> {
  if (!server) throw new Error("no server");
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response;
}

beforeAll(async () => {
  if (!(await hasTmux())) {
    throw new Error(
      "tmux is needed for the dashboard's end-to-end test: install it (apt-get install -y tmux)",
    );
  }
  home = await mkdtemp(join(tmpdir(), "cmp-tui-e2e-"));
  upstream = await startFakeUpstream({ auth: { config: { deviceIntervalSeconds: 0.2 } } });
  server = await startBuiltServer({
    CMP_HOME: join(home, "cmp"),
    CMP_HOST: "127.0.0.1",
    CMP_PORT: "0",
    CMP_UPSTREAM_URL: upstream.codex.baseUrl,
    CMP_AUTH_ISSUER: upstream.auth.issuer,
    CMP_INSTRUCTIONS_FETCH: "off",
    CMP_LOG_LEVEL: "warn",
  });
  tui = await startTmuxSession({
    command: [process.execPath, tuiCli],
    env: {
      CMP_HOME: join(home, "cmp"),
      CODEX_HOME: join(home, "codex"),
      CMP_SERVER_URL: server.url,
      CMP_AUTH_ISSUER: upstream.auth.issuer,
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
      // Ink renders only the last frame under CI; this is a terminal, not a log.
      CI: "0",
    },
    columns: 120,
    rows: 45,
  });
}, 300_000);

afterAll(async () => {
  await tui?.kill();
  await server?.stop();
  await upstream?.close();
  if (home) await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}, 30_000);

describe("cmp-tui in a terminal", () => {
  it("logs in with a device code, then shows quota bars and request rows from the server", async () => {
    if (!tui || !upstream || !server) throw new Error("set-up failed");
    const auth = upstream.auth;

    const loggedOut = await tui.waitFor(
      (s) => s.includes("● live") && s.includes("✗ not logged in"),
      "the dashboard",
    );
    expect(loggedOut).toContain(server.url);
    await saveScreen("dashboard-logged-out", loggedOut);

    await tui.send("l");
    const menu = await tui.waitFor((s) => s.includes("How do you want to log in?"), "the login menu");
    expect(menu).toContain("Device code");
    await saveScreen("login-menu", menu);

    await tui.send("2");
    const device = await tui.waitFor((s) => /║\s+(\S )+\S\s+║/.test(s), "the device code");
    const shown = /║\s+((?:\S )+\S)\s+║/.exec(device)?.[1]?.replaceAll(" ", "");
    expect(shown).toBeDefined();
    expect(auth.pendingDeviceCodes()).toContain(shown);
    expect(device).toContain(`${auth.issuer}/codex/device`);
    await saveScreen("login-device-code", device);

    expect(auth.approveDevice(shown ?? "")).toBe(true);
    const success = await tui.waitFor(
      (s) => s.includes("✓ Logged in as user@example.com"),
      "the login result",
    );
    expect(success).toContain("plan pro");
    await saveScreen("login-success", success);

    await tui.send("d");
    await tui.waitFor((s) => s.includes("✓ user@example.com · pro"), "the server to see the login");

    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
    const model = models.data[0]?.id ?? "gpt-5.2";
    const chat = (content: string, stream: boolean) => ({
      model,
      stream,
      messages: [{ role: "user", content }],
    });
    expect((await send("/v1/chat/completions", chat("Hello", false))).status).toBe(200);
    expect((await send("/v1/chat/completions", chat("Hello again", true))).status).toBe(200);
    expect((await send("/v1/chat/completions", chat("Think [scenario=reasoning]", true))).status).toBe(200);
    upstream.codex.setQuota({ primary: { usedPercent: 93 } });
    expect((await send("/v1/chat/completions", chat("Once more", false))).status).toBe(200);
    expect((await send("/v1/chat/completions", chat("Too much [scenario=usage-limit]", false))).status).toBe(
      429,
    );

    const dashboard = await tui.waitFor(
      // The 429 is in the feed twice: the request's error, and its account cooling down until the reset.
      (s) => s.includes("93.0% used ‼ almost out") && s.includes("Errors (2)") && /\s5\s+1\s/.test(s),
      "quota bars, totals and the error feed",
    );
    expect(dashboard).toContain("77.3% used ▲ near limit");
    expect(dashboard).toMatch(/5h\s+█+░+\s+93\.0% used/);
    expect(dashboard).toContain("HTTP 429");
    expect(dashboard).toContain("account default is cooling down: usage_limit_reached");
    const all = await tui.captureAll();
    const rows = all.split("\n").filter((line) => line.includes(` ${model} `) && /\s(200|429)\s/.test(line));
    expect(rows).toHaveLength(5);
    expect(rows.filter((row) => /\sstream\s/.test(row))).toHaveLength(2);
    expect(rows.filter((row) => /\s429\s/.test(row))).toHaveLength(1);

    // A request the fake backend never finishes stays in the live "In flight" table until the client gives up.
    const stalled = new AbortController();
    const pending = fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chat("Wait [scenario=stall]", true)),
      signal: stalled.signal,
    })
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
    const inFlight = await tui.waitFor(
      (s) => s.includes("In flight (1)") && new RegExp(`${model}\\s+\\S+\\s+stream\\s+run\\s`).test(s),
      "the running request",
    );
    await saveScreen("dashboard", inFlight);
    stalled.abort();
    await pending;
    await tui.waitFor((s) => s.includes("In flight (0)"), "the running request to end");

    await tui.send("m");
    const catalog = await tui.waitFor(
      (s) => s.includes("Models (") && s.includes("CONTEXT"),
      "the models screen",
    );
    expect(catalog).toContain(model);
    await saveScreen("models", catalog);

    await server.stop();
    await tui.send("d");
    const down = await tui.waitFor((s) => s.includes("No server answers"), "the server-down notice");
    expect(down).toContain("pnpm start");
    await saveScreen("server-down", down);

    await tui.resize(50, 12);
    await tui.waitFor((s) => s.includes("Terminal too small (50×12)."), "the too-small notice");
    await tui.resize(120, 45);
    await tui.waitFor(
      (s) => s.includes("No server answers") && !s.includes("too small"),
      "the redraw after a resize",
    );

    await tui.send("q");
    const deadline = Date.now() + 5000;
    while (!(await tui.exited()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await tui.exited()).toBe(true);
  }, 120_000);
});
