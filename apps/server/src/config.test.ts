import { randomBytes } from "node:crypto";
import { ConfigError } from "@cmp/core";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("has safe defaults", () => {
    const config = loadConfig({ HOME: "/home/u" });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8083,
      apiKeys: [],
      bodyLimitBytes: 50 * 1024 * 1024,
      upstreamUrl: "https://chatgpt.com/backend-api/codex",
      authIssuer: "https://auth.openai.com",
      corsOrigins: [],
      instructionsMode: "client",
      reasoningOutput: "fields",
      keepAliveMs: 15_000,
      shutdownTimeoutMs: 10_000,
      upstreamIdleTimeoutMs: 300_000,
      upstreamDeadlineMs: 1_800_000,
      clientVersion: "0.154.0",
    });
  });

  it("takes the Codex client version from CMP_CLIENT_VERSION", () => {
    expect(loadConfig({ CMP_CLIENT_VERSION: " 0.155.2 " }).clientVersion).toBe("0.155.2");
    expect(loadConfig({ CMP_CLIENT_VERSION: "0.156.0-alpha.3" }).clientVersion).toBe("0.156.0-alpha.3");
  });

  it("parses lists, sizes, aliases and profiles", () => {
    const config = loadConfig({
      CMP_API_KEYS: " a , b ,",
      CMP_BODY_LIMIT: "512kb",
      CMP_CORS_ORIGINS: "https://a.example.com,http://localhost:3000",
      CMP_MODEL_ALIASES: "gpt-4o-mini=gpt-5.4-mini, fast=gpt-5.4-low",
      CMP_CLIENT_PROFILE: "letta,openwebui",
      CMP_PORT: "0",
      CMP_UPSTREAM_URL: "http://127.0.0.1:9/backend-api/codex/",
    });
    expect(config.apiKeys).toEqual(["a", "b"]);
    expect(config.bodyLimitBytes).toBe(512 * 1024);
    expect(config.corsOrigins).toEqual(["https://a.example.com", "http://localhost:3000"]);
    expect(config.modelAliases).toEqual({ "gpt-4o-mini": "gpt-5.4-mini", fast: "gpt-5.4-low" });
    expect(config.clientProfiles).toEqual(["letta", "openwebui"]);
    expect(config.port).toBe(0);
    expect(config.upstreamUrl).toBe("http://127.0.0.1:9/backend-api/codex");
  });

  it.each([
    ["CMP_PORT", "eighty"],
    ["CMP_PORT", "70000"],
    ["CMP_BODY_LIMIT", "lots"],
    ["CMP_UPSTREAM_URL", "ftp://x"],
    ["CMP_LOG_LEVEL", "loud"],
    ["CMP_INSTRUCTIONS_MODE", "mine"],
    ["CMP_REASONING_OUTPUT", "all"],
    ["CMP_CORS_ORIGINS", "https://a.example.com/path"],
    ["CMP_CLIENT_PROFILE", "cursor"],
    ["CMP_MODEL_ALIASES", "broken"],
    ["CMP_CLIENT_VERSION", "latest"],
    ["CMP_CLIENT_VERSION", "0.154.0\r\nx: 1"],
  ])("names the variable when %s=%s is wrong", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it("refuses a non-loopback host without keys, but not with keys or for commands", () => {
    expect(() => loadConfig({ CMP_HOST: "0.0.0.0" })).toThrow(/CMP_API_KEYS/);
    expect(loadConfig({ CMP_HOST: "0.0.0.0", CMP_API_KEYS: "k" }).host).toBe("0.0.0.0");
    expect(loadConfig({ CMP_HOST: "0.0.0.0" }, { forServing: false }).host).toBe("0.0.0.0");
    expect(loadConfig({ CMP_HOST: "::1" }).host).toBe("::1");
  });

  it("never echoes secret values in errors", () => {
    const error = (() => {
      try {
        loadConfig({ CMP_API_KEY: "   ", OPENAI_OAUTH_ACCESS_TOKEN: "x", CMP_PORT: "-1" });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error?.message).toContain("CMP_PORT");
  });
});

describe("loadConfig: the shared store (CMP_STORE_URL, CMP_STORE_PREFIX, CMP_STORE_SECRET)", () => {
  const bytes = randomBytes(32);
  const secretBase64 = bytes.toString("base64");
  const url = "redis://127.0.0.1:6379";

  /** The ConfigError `loadConfig(env)` throws. */
  function errorOf(env: Record<string, string>, options?: { forServing?: boolean }): Error {
    try {
      loadConfig(env, options);
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      return error as Error;
    }
    throw new Error("expected loadConfig to throw");
  }

  it("defaults to no shared store (the embedded layout), prefix cmp", () => {
    expect(loadConfig({})).toMatchObject({ storeUrl: null, storePrefix: "cmp", storeSecret: null });
    expect(loadConfig({ CMP_STORE_URL: "  ", CMP_STORE_SECRET: "" }).storeUrl).toBeNull();
  });

  it("takes a redis:// or rediss:// URL with a secret written as base64, url-safe base64 or hex", () => {
    const urlSafe = bytes.toString("base64url");
    const hex = bytes.toString("hex");
    for (const [storeUrl, secret] of [
      [url, secretBase64],
      ["rediss://:pass@redis.example.com:6380/2", urlSafe],
      ["REDIS://127.0.0.1", hex],
      [` ${url} `, ` ${secretBase64} `],
    ] as const) {
      const config = loadConfig({ CMP_STORE_URL: storeUrl, CMP_STORE_SECRET: secret });
      expect(config.storeUrl).toBe(storeUrl.trim());
      expect(config.storeSecret).toEqual(new Uint8Array(bytes));
    }
  });

  it.each([
    "http://127.0.0.1:6379",
    "127.0.0.1:6379",
    "valkey://127.0.0.1:6379",
    "redis:127.0.0.1:6379",
    "unix:///run/redis.sock",
    "redis//127.0.0.1",
  ])("refuses CMP_STORE_URL=%s, naming both schemes, without echoing it", (value) => {
    const error = errorOf({ CMP_STORE_URL: value, CMP_STORE_SECRET: secretBase64 });
    expect(error.message).toMatch(/^Invalid CMP_STORE_URL: .*redis:\/\/.*rediss:\/\//);
    expect(error.message).not.toContain(value);
  });

  it("never echoes a refused URL's password", () => {
    const error = errorOf({ CMP_STORE_URL: "https://admin:hunter2@cache.example.com:6379" });
    expect(error.message).toContain("CMP_STORE_URL");
    expect(error.message).not.toContain("hunter2");
  });

  it("requires CMP_STORE_SECRET with CMP_STORE_URL, for serving and for the commands, saying how to make one", () => {
    for (const options of [undefined, { forServing: false }]) {
      const error = errorOf({ CMP_STORE_URL: url }, options);
      expect(error.message).toContain("CMP_STORE_URL is set but CMP_STORE_SECRET is not");
      expect(error.message).toContain("openssl rand -base64 32");
    }
  });

  it.each([
    ["a passphrase", "correct horse battery staple"],
    ["16 bytes of base64", randomBytes(16).toString("base64")],
    ["31 bytes of hex", randomBytes(31).toString("hex")],
    ["33 bytes of base64", randomBytes(33).toString("base64")],
    ["64 characters that are not hex", "g".repeat(64)],
  ])("refuses %s as CMP_STORE_SECRET without echoing it", (_what, value) => {
    const envs: Record<string, string>[] = [
      { CMP_STORE_URL: url, CMP_STORE_SECRET: value },
      { CMP_STORE_SECRET: value },
    ];
    for (const env of envs) {
      const error = errorOf(env);
      expect(error.message).toMatch(/^Invalid CMP_STORE_SECRET: /);
      expect(error.message).toContain("openssl rand -base64 32");
      expect(error.message).not.toContain(value);
    }
  });

  it("takes a prefix of 1 to 100 of A-Z a-z 0-9 . _ -", () => {
    for (const prefix of ["deploy-a", "A.b_c-9", "x".repeat(100)])
      expect(loadConfig({ CMP_STORE_PREFIX: prefix }).storePrefix).toBe(prefix);
    expect(loadConfig({ CMP_STORE_PREFIX: " spaced " }).storePrefix).toBe("spaced");
    expect(loadConfig({ CMP_STORE_PREFIX: "" }).storePrefix).toBe("cmp");
  });

  it.each(["a:b", "a b", "x".repeat(101), "préfixe", "a/b", "cmp*", "{cmp}"])(
    "refuses CMP_STORE_PREFIX=%s",
    (prefix) => {
      const error = errorOf({ CMP_STORE_PREFIX: prefix });
      expect(error.message).toMatch(/^Invalid CMP_STORE_PREFIX: expected 1 to 100 of /);
    },
  );
});
