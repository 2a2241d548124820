import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type FakeAuthServer, startFakeAuthServer, writeAuthJson } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileTokenStore } from "./file-token-store.js";
import { CODEX_IMPORT_WARNING, importCodexAuth } from "./import-codex-auth.js";
import { OAuthError } from "./oauth-errors.js";
import { collectSecrets, createOutput, expectNoSecrets, makeTempDir } from "./testing/test-helpers.js";

let auth: FakeAuthServer;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  auth = await startFakeAuthServer();
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await auth.close();
  await cleanup();
});

describe("importCodexAuth", () => {
  it("copies a Codex CLI login once and warns about shared refresh tokens", async () => {
    const tokens = await auth.issueTokens();
    const codexHome = join(dir, "codex");
    const codexFile = await writeAuthJson(codexHome, tokens);
    const codexBefore = await readFile(codexFile, "utf8");
    const store = createFileTokenStore({ path: join(dir, "cmp", "auth.json") });
    const output = createOutput();
    const result = await importCodexAuth({ codexHome, store, issuer: auth.issuer, print: output.print });
    expect(result).toMatchObject({ accountId: "acc_test", email: "user@example.com", idTokenVerified: true });
    expect(output.lines).toContain(CODEX_IMPORT_WARNING);
    expect(await store.get()).toMatchObject({ refreshToken: tokens.refresh_token, accountId: "acc_test" });
    expect(await readFile(codexFile, "utf8")).toBe(codexBefore);
    expectNoSecrets(output.lines, collectSecrets([], [await store.get()]));
  });

  it("accepts the auth.json path itself", async () => {
    const file = await writeAuthJson(join(dir, "codex"), await auth.issueTokens());
    const store = createFileTokenStore({ path: join(dir, "cmp", "auth.json") });
    await expect(importCodexAuth({ codexHome: file, store, issuer: auth.issuer })).resolves.toMatchObject({
      accountId: "acc_test",
    });
  });

  it("explains a missing login and an API-key-only file", async () => {
    const store = createFileTokenStore({ path: join(dir, "cmp", "auth.json") });
    const missing = await importCodexAuth({ codexHome: join(dir, "nowhere"), store }).catch(
      (e: unknown) => e,
    );
    expect(OAuthError.isInstance(missing) && missing.code).toBe("codex_auth_not_found");
    await writeFile(
      join(dir, "auth.json"),
      JSON.stringify({ OPENAI_API_KEY: "sk-test-123456789", tokens: null }),
    );
    const apiKey = await importCodexAuth({ codexHome: dir, store }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(apiKey) && apiKey.code).toBe("codex_auth_not_found");
    expect(String(apiKey)).not.toContain("sk-test-123456789");
    expect(await store.get()).toBeNull();
  });

  it("refuses an id token that the issuer did not sign", async () => {
    const other = await startFakeAuthServer();
    try {
      const codexHome = join(dir, "codex");
      await writeAuthJson(codexHome, await other.issueTokens());
      const store = createFileTokenStore({ path: join(dir, "cmp", "auth.json") });
      const error = await importCodexAuth({ codexHome, store, issuer: auth.issuer }).catch((e: unknown) => e);
      expect(OAuthError.isInstance(error) && error.code).toBe("invalid_token");
      expect(await store.get()).toBeNull();
    } finally {
      await other.close();
    }
  });
});

describe("importCodexAuth and agent identities", () => {
  it("refuses an auth.json holding agent_identity with a clear typed error, and stores nothing", async () => {
    const tokens = await auth.issueTokens();
    const codexHome = join(dir, "codex");
    const file = await writeAuthJson(codexHome, tokens);
    const withIdentity = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    withIdentity["agent_identity"] = { agent_id: "agt_123", private_key_pem: "-----BEGIN PRIVATE KEY-----x" };
    await writeFile(file, JSON.stringify(withIdentity));
    const store = createFileTokenStore({ path: join(dir, "cmp", "auth.json") });
    const error = await importCodexAuth({ codexHome, store, issuer: auth.issuer }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("codex_agent_identity");
    expect(String((error as Error).message)).toMatch(/agent identity.*AgentAssertion.*cmp-server login/s);
    expect(String((error as Error).message)).not.toContain("PRIVATE KEY");
    expect(await store.get()).toBeNull();
  });

  it("refuses an agent-identity-only file (no tokens) the same way", async () => {
    await writeFile(
      join(dir, "auth.json"),
      JSON.stringify({ auth_mode: "agent_identity", agent_identity: { agent_id: "agt_1" }, tokens: null }),
    );
    const store = createFileTokenStore({ path: join(dir, "cmp", "auth.json") });
    const error = await importCodexAuth({ codexHome: dir, store }).catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("codex_agent_identity");
  });
});
