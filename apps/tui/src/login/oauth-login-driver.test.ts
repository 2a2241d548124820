import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LoginPrompt } from "./login-driver.js";
import { createOAuthLoginDriver } from "./oauth-login-driver.js";

let auth: FakeAuthServer;
let home: string;

beforeEach(async () => {
  auth = await startFakeAuthServer({ config: { deviceIntervalSeconds: 0.05 } });
  home = await mkdtemp(join(tmpdir(), "cmp-tui-login-"));
});

afterEach(async () => {
  await auth.close();
  await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

function driverFor(
  overrides: { codexHome?: string; callbackPort?: number; openBrowser?: (url: string) => Promise<void> } = {},
) {
  return createOAuthLoginDriver({
    home: join(home, "cmp"),
    issuer: auth.issuer,
    callbackPort: overrides.callbackPort ?? 1455,
    callbackPortExplicit: overrides.callbackPort !== undefined,
    codexHome: overrides.codexHome ?? join(home, "codex"),
    openBrowser: overrides.openBrowser,
  });
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function attemptWith(onPrompt: (prompt: LoginPrompt) => void, signal = new AbortController().signal) {
  return { signal, onPrompt, readPastedUrl: () => Promise.reject(new Error("not used")) };
}

describe("createOAuthLoginDriver", () => {
  it("logs in with a device code, writes auth.json (0600) and reports the account", async () => {
    const driver = driverFor();
    expect(await driver.current("default")).toBeNull();
    const prompts: LoginPrompt[] = [];
    const info = await driver.login(
      "default",
      "device",
      attemptWith((prompt) => {
        prompts.push(prompt);
        if (prompt.kind === "device_code") auth.approveDevice(prompt.userCode);
      }),
    );
    expect(prompts[0]).toMatchObject({ kind: "device_code", verificationUrl: `${auth.issuer}/codex/device` });
    expect(info).toMatchObject({ email: "user@example.com", plan: "pro", accountId: "acc_test" });
    expect(info.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    const file = join(home, "cmp", "auth.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, "utf8")) as { tokens: { account_id: string } };
    expect(saved.tokens.account_id).toBe("acc_test");
    expect(await driver.current("default")).toMatchObject({ email: "user@example.com", plan: "pro" });

    await driver.logout("default");
    expect(await driver.current("default")).toBeNull();
    await expect(stat(file)).rejects.toThrow();
  });

  it("logs in through the browser flow: shows the authorize URL, then takes the callback", async () => {
    const prompts: LoginPrompt[] = [];
    const driver = driverFor({
      callbackPort: await freePort(),
      // The "browser": follow the fake issuer's redirect back to the local callback server.
      openBrowser: async (url) => {
        await (await fetch(url)).arrayBuffer();
      },
    });
    const info = await driver.login(
      "default",
      "browser",
      attemptWith((prompt) => prompts.push(prompt)),
    );
    expect(prompts[0]?.kind).toBe("open_url");
    expect(prompts[0]?.kind === "open_url" && prompts[0].url).toContain(`${auth.issuer}/oauth/authorize?`);
    expect(info.email).toBe("user@example.com");
  });

  it("passes a pasted redirect URL to the paste flow", async () => {
    let authorizeUrl = "";
    const driver = driverFor();
    const info = await driver.login("default", "paste", {
      signal: new AbortController().signal,
      onPrompt: (prompt) => {
        if (prompt.kind === "paste_url") authorizeUrl = prompt.url;
      },
      readPastedUrl: async () => {
        const response = await fetch(authorizeUrl, { redirect: "manual" });
        return response.headers.get("location") ?? "";
      },
    });
    expect(info.plan).toBe("pro");
  });

  it("fails with device_auth_disabled when the account has device login off", async () => {
    auth.configure({ deviceAuth: "disabled" });
    const error = await driverFor()
      .login(
        "default",
        "device",
        attemptWith(() => {}),
      )
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("device_auth_disabled");
  });

  it("imports a Codex CLI login", async () => {
    const tokens = await auth.issueTokens();
    const codexHome = join(home, "codex");
    await import("node:fs/promises").then((fs) => fs.mkdir(codexHome, { recursive: true }));
    await writeFile(
      join(codexHome, "auth.json"),
      JSON.stringify({
        OPENAI_API_KEY: null,
        tokens: { ...tokens, account_id: "acc_test" },
        last_refresh: new Date().toISOString(),
      }),
    );
    const info = await driverFor({ codexHome }).login(
      "default",
      "import",
      attemptWith(() => {}),
    );
    expect(info.email).toBe("user@example.com");
  });

  it("saves a named login in accounts/<name>.json, refuses the same ChatGPT account under a second name, and logs a name out", async () => {
    const driver = driverFor();
    const approve = attemptWith((prompt) => {
      if (prompt.kind === "device_code") auth.approveDevice(prompt.userCode);
    });
    expect(driver.pathOf("work")).toBe(join(home, "cmp", "accounts", "work.json"));
    await driver.login("work", "device", approve);
    expect((await stat(join(home, "cmp", "accounts", "work.json"))).mode & 0o777).toBe(0o600);
    await expect(stat(join(home, "cmp", "auth.json"))).rejects.toThrow();
    expect(await driver.names()).toEqual(["work"]);
    expect(await driver.current("work")).toMatchObject({ email: "user@example.com" });
    expect(await driver.current("default")).toBeNull();

    // The fake issuer logs everyone in as the same ChatGPT account: a second name is refused.
    const refused = await driver.login("default", "device", approve).catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toBe("duplicate_account");
    expect(String((refused as Error).message)).toContain('"work"');
    expect(await driver.names()).toEqual(["work"]);

    await driver.logout("work");
    expect(await driver.names()).toEqual([]);
    await expect(stat(join(home, "cmp", "accounts", "work.json"))).rejects.toThrow();
  });

  it("says plainly when there is no Codex CLI login to import", async () => {
    const error = await driverFor()
      .login(
        "default",
        "import",
        attemptWith(() => {}),
      )
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("codex_auth_not_found");
  });
});
