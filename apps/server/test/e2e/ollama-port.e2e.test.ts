import { get } from "node:http";
import { Ollama } from "ollama";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type RunningServer, startServer } from "../../src/main.js";
import { createEnvironment, type Environment } from "./e2e-environment.js";

// The real wiring (token store, catalog, instructions, codex client) with CMP_OLLAMA_PORT: the same
// app on a second port, where Ollama clients find what they expect.

/** A GET with a chosen `Host` header (fetch does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

let environment: Environment;
let running: RunningServer;

beforeAll(async () => {
  environment = await createEnvironment();
  running = await startServer({
    env: {
      ...environment.env,
      CMP_PORT: "0",
      CMP_OLLAMA_PORT: "0",
      CMP_INSTRUCTIONS_FETCH: "off",
      CMP_LOG_LEVEL: "silent",
    },
    print: () => {},
  });
});
afterAll(async () => {
  await running?.shutdown();
  await environment?.cleanup();
});

describe("CMP_OLLAMA_PORT", () => {
  it("is off by default and must be a port", () => {
    expect(loadConfig({}).ollamaPort).toBeNull();
    expect(loadConfig({ CMP_OLLAMA_PORT: "11434" }).ollamaPort).toBe(11434);
    expect(() => loadConfig({ CMP_OLLAMA_PORT: "eleven" })).toThrow(/CMP_OLLAMA_PORT/);
  });

  it("serves the same app on a second port, where / says Ollama is running", async () => {
    expect(running.ollamaUrl).not.toBeNull();
    expect(running.ollamaUrl).not.toBe(running.url);
    const host = running.ollamaUrl as string;
    const root = await fetch(`${host}/`);
    expect(await root.text()).toBe("Ollama is running");
    const main = await fetch(`${running.url}/`);
    expect(await main.json()).toMatchObject({ name: "chatgpt-max-proxy" });
    environment.upstream.codex.setScenario("text");
    const ollama = new Ollama({ host });
    const answer = await ollama.chat({
      model: "gpt-5.4:latest",
      messages: [{ role: "user", content: "Hi" }],
      stream: false,
    });
    expect(answer.message.content).toBe("Hello from the fake Codex backend.");
    // The host check applies there too: a rebinding page's Host is refused, in Ollama's shape.
    const rebound = await getWithHost(`${host}/api/tags`, "evil.example");
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toEqual({ error: expect.stringContaining("localhost") });
  });
});
