import { ConfigError } from "@cmp/core";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("uses the documented defaults", () => {
    const config = loadConfig({}, "/home/u");
    expect(config).toEqual({
      home: "/home/u/.cmp",
      authPath: "/home/u/.cmp/auth.json",
      authIssuer: "https://auth.openai.com",
      callbackPort: 1455,
      callbackPortExplicit: false,
      codexHome: "/home/u/.codex",
      serverUrl: "http://127.0.0.1:8083",
      apiKey: null,
      noColor: false,
      ssh: false,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig(
      {
        CMP_HOME: "~/data",
        CMP_AUTH_ISSUER: "http://127.0.0.1:9000/",
        CMP_CALLBACK_PORT: "1460",
        CODEX_HOME: "/opt/codex",
        CMP_SERVER_URL: "http://127.0.0.1:9999/",
        CMP_API_KEY: "k-1",
        NO_COLOR: "1",
        SSH_CONNECTION: "10.0.0.1 5000 10.0.0.2 22",
      },
      "/home/u",
    );
    expect(config.authPath).toBe("/home/u/data/auth.json");
    expect(config.authIssuer).toBe("http://127.0.0.1:9000");
    expect(config.callbackPort).toBe(1460);
    expect(config.callbackPortExplicit).toBe(true);
    expect(config.codexHome).toBe("/opt/codex");
    expect(config.serverUrl).toBe("http://127.0.0.1:9999");
    expect(config.apiKey).toBe("k-1");
    expect(config.noColor).toBe(true);
    expect(config.ssh).toBe(true);
  });

  it("treats empty values as unset (NO_COLOR= keeps colour)", () => {
    const config = loadConfig({ CMP_SERVER_URL: "", NO_COLOR: "", CMP_API_KEY: "" }, "/home/u");
    expect(config.serverUrl).toBe("http://127.0.0.1:8083");
    expect(config.noColor).toBe(false);
    expect(config.apiKey).toBeNull();
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ CMP_SERVER_URL: "localhost:8083" })).toThrow(/^CMP_SERVER_URL is invalid/);
    expect(() => loadConfig({ CMP_CALLBACK_PORT: "99999" })).toThrow(/^CMP_CALLBACK_PORT is invalid/);
    try {
      loadConfig({ CMP_AUTH_ISSUER: "ftp://x" });
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
    }
  });
});
