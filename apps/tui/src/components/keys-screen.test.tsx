import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ServerError } from "../api/server-error.js";
import { App } from "../app.js";
import { createFakeLoginDriver } from "../testing/fake-login-driver.js";
import { createFakeServerClient, type FakeServerClient } from "../testing/fake-server-client.js";
import { apiKey, loggedInStatus, testNow } from "../testing/fixtures.js";
import { plain, tick } from "../testing/frame.js";

const keys = { up: "\u001b[A", down: "\u001b[B", enter: "\r", escape: "\u001b", tab: "\t" };
let unmounts: (() => void)[] = [];

afterEach(() => {
  for (const unmount of unmounts) unmount();
  unmounts = [];
});

const iso = (ms: number) => new Date(ms).toISOString();

function withKeys(): FakeServerClient {
  const client = createFakeServerClient({ status: loggedInStatus() });
  client.keys = [
    apiKey("alice", {
      admin: true,
      rpm: 60,
      budget: { tokens: 1_000_000, per: "day", used: 620_000, resets_at: iso(testNow + 6 * 3_600_000) },
    }),
    apiKey("ci-bot", {
      models: ["gpt-5.4", "gpt-5.5"],
      last_used_at: null,
      budget: { tokens: 200_000, per: "week", used: 190_000, resets_at: iso(testNow + 3 * 86_400_000) },
    }),
    apiKey("bob"),
  ];
  return client;
}

function start(client: FakeServerClient = withKeys()) {
  const result = render(
    <App
      client={client}
      loginDriver={createFakeLoginDriver()}
      codexHome="/home/u/.codex"
      initialScreen="keys"
      now={() => testNow}
      tickMs={0}
      size={{ columns: 120, rows: 30 }}
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

describe("KeysScreen", () => {
  it("lists the keys with a usage bar against each budget, limits, last use and creation", async () => {
    const app = start();
    await app.until("Named API keys (3)");
    const frame = app.frame();
    expect(frame).toContain("[Keys]");
    expect(frame).toMatch(/› alice\s+admin · 60 rpm · any model · last used 2m 10s ago · created 2026-11-20/);
    expect(frame).toMatch(/█+░+\s+62\.0% of 1\.00M tokens\/day · 620k used · 4 requests · resets in 6h 00m/);
    expect(frame).toMatch(/ci-bot\s+no rpm limit · models gpt-5\.4, gpt-5\.5 · never used/);
    expect(frame).toContain("95.0% of 200k tokens/week");
    expect(frame).toContain("no budget · 12k tokens this period · 4 requests");
    expect(frame).toContain("↑↓ select · n new key · x revoke");
    const raw = app.lastFrame() ?? "";
    expect(raw.split("\n").find((l) => l.includes("95.0%"))).toContain("\u001b[31m");
  });

  it("creates a key with a form and shows the new key once, with a warning to copy it", async () => {
    const app = start();
    await app.until("Named API keys (3)");
    await app.press("n");
    await app.until("New API key");
    expect(app.frame()).toContain("tab ↑↓ field · space ←→ change · enter create · esc cancel");
    // Letters that are screen keys elsewhere (d, k, m, q) are typed into the field.
    await app.press("dkmq");
    await app.press(keys.tab);
    await app.press("1.5M");
    await app.press(keys.tab);
    await app.press(" ");
    await app.until("‹ week ›");
    await app.press(keys.tab);
    await app.press("30");
    await app.press(keys.tab);
    await app.press("gpt-5.4, gpt-5.5");
    await app.press(keys.tab);
    await app.press("y");
    await app.until("‹ yes ›");
    await app.press(keys.enter);
    await app.until('✓ Created key "dkmq"');
    expect(app.client.created).toEqual([
      {
        name: "dkmq",
        budget_tokens: 1_500_000,
        per: "week",
        rpm: 30,
        models: ["gpt-5.4", "gpt-5.5"],
        admin: true,
      },
    ]);
    expect(app.frame()).toContain("cmp-sk-dkmq-0123456789abcdef");
    expect(app.frame()).toContain(
      "Copy it now: the server keeps only its hash, and this screen will not show it again.",
    );
    expect(app.frame()).toContain("enter I copied it (it is not shown again)");
    await app.press(keys.enter);
    await app.until("Named API keys (4)");
    expect(app.frame()).not.toContain("cmp-sk-dkmq");
    expect(app.frame()).toMatch(/dkmq\s+admin · 30 rpm · models gpt-5\.4, gpt-5\.5 · never used/);
  });

  it("says what is wrong with the form before asking the server, and keeps the server's refusal", async () => {
    const app = start();
    await app.until("Named API keys (3)");
    await app.press("n");
    await app.press(keys.enter);
    await app.until("✗ Give the key a name.");
    await app.press("ops");
    await app.press(keys.tab);
    await app.press("lots");
    await app.press(keys.enter);
    await app.until("✗ The budget is a number of tokens, like 500000, 500k or 1.5M.");
    expect(app.client.created).toEqual([]);
    app.client.keysError = new ServerError(
      "http_error",
      "POST /v1/management/keys answered HTTP 409: a key named ops exists",
      { status: 409 },
    );
    for (let i = 0; i < 4; i++) await app.press("\u007f");
    await app.press("500k");
    await app.press(keys.enter);
    await app.until("a key named ops exists");
    await app.press(keys.escape);
    await app.until("Named API keys (3)");
  });

  it("revokes a key only after a confirmation", async () => {
    const app = start();
    await app.until("Named API keys (3)");
    await app.press(keys.down);
    await app.until("› ci-bot");
    await app.press("x");
    await app.until('Revoke key "ci-bot"?');
    expect(app.frame()).toContain("y revoke · n keep the key");
    await app.press("n");
    await app.until("↑↓ select · n new key");
    expect(app.client.revoked).toEqual([]);
    await app.press("x");
    await app.until('Revoke key "ci-bot"?');
    await app.press("y");
    await app.until('Revoked key "ci-bot": it is refused from now on.');
    expect(app.client.revoked).toEqual(["ci-bot"]);
    await app.until("Named API keys (2)");
    expect(app.frame()).not.toContain("ci-bot ");
  });

  it("says plainly when the dashboard's key is not an admin key (403)", async () => {
    const client = withKeys();
    client.keysError = new ServerError("forbidden", "the server refused GET /v1/management/keys (HTTP 403)", {
      status: 403,
      apiCode: "admin_required",
    });
    const app = start(client);
    await app.until(
      "CMP_API_KEY is not an admin key: only admin keys may see and manage named keys (admin_required).",
    );
    expect(app.frame()).toContain("Set CMP_API_KEY to an admin key, then start the dashboard again.");
    expect(app.frame()).not.toContain("n new key");
    await app.press("n");
    expect(app.frame()).not.toContain("New API key");
  });

  it("says plainly when the server has no named keys (404)", async () => {
    const client = withKeys();
    client.keysError = new ServerError("not_found", "/v1/management/keys is not on this server (HTTP 404)", {
      status: 404,
    });
    const app = start(client);
    await app.until("This server has no named keys");
    expect(app.frame()).toContain("need a newer cmp-server");
    client.keysError = null;
    await app.press("r");
    await app.until("Named API keys (3)");
  });

  it("offers to create the first key when there is none", async () => {
    const client = createFakeServerClient({ status: loggedInStatus() });
    const app = start(client);
    await app.until("No named keys yet: press n to create one.");
  });
});
