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
