import Anthropic from "@anthropic-ai/sdk";
import type { ServerProcess } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnvironment, type Environment, startBuiltServer } from "./e2e-environment.js";

// The built `cmp-server` with API keys, as Claude Code meets it (ANTHROPIC_BASE_URL + ANTHROPIC_AUTH_TOKEN,
// or an SDK with `apiKey`): both key headers work, and a wrong key is Anthropic's authentication_error.

const KEY = "cmp-e2e-anthropic-key";
let environment: Environment;
let server: ServerProcess;

beforeAll(async () => {
  environment = await createEnvironment();
  server = await startBuiltServer({ ...environment.env, CMP_API_KEYS: KEY });
});
afterAll(async () => {
  await server?.stop();
  await environment?.cleanup();
});

const params = {
  model: "claude-sonnet-4-5",
  max_tokens: 256,
  messages: [{ role: "user" as const, content: "Say hello" }],
};

describe("Anthropic SDK against the built server", () => {
  it("answers with x-api-key (apiKey) and with Authorization: Bearer (authToken)", async () => {
    environment.upstream.codex.setScenario("text");
    const withKey = new Anthropic({ baseURL: server.url, apiKey: KEY, maxRetries: 0 });
    const message = await withKey.messages.create(params);
    expect(message.content).toEqual([{ type: "text", text: "Hello from the fake Codex backend." }]);
    const withToken = new Anthropic({ baseURL: server.url, apiKey: null, authToken: KEY, maxRetries: 0 });
    let text = "";
    const stream = withToken.messages.stream(params).on("text", (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe("Hello from the fake Codex backend.");
    expect(final.content).toEqual(message.content);
  });

  it("refuses a wrong key with Anthropic's authentication_error", async () => {
    const wrong = new Anthropic({ baseURL: server.url, apiKey: "nope", maxRetries: 0 });
    const error = await wrong.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
      type: "error",
      error: { type: "authentication_error" },
    });
  });

  it("answers a usage limit as a typed RateLimitError", async () => {
    environment.upstream.codex.setScenario("usage-limit");
    const client = new Anthropic({ baseURL: server.url, apiKey: KEY, maxRetries: 0 });
    await expect(client.messages.create(params)).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    environment.upstream.codex.setScenario(null);
  });
});
