import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("Host check (DNS rebinding)", () => {
  it("refuses a foreign Host on loopback with a JSON 403, even for /health", async () => {
    harness = await createHarness();
    const res = await request(harness.app).get("/health").set("Host", "evil.example.com");
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("host_not_allowed");
    const models = await request(harness.app).get("/v1/models").set("Host", "rebind.attacker.test:8083");
    expect(models.status).toBe(403);
  });

  it("accepts localhost, 127.0.0.1 and [::1] with any port", async () => {
    harness = await createHarness();
    for (const host of ["localhost", "localhost:8083", "127.0.0.1:1", "[::1]:8083", "[::1]"]) {
      const res = await request(harness.app).get("/health").set("Host", host);
      expect(res.status, host).toBe(200);
    }
  });

  it("does not check Host when listening on a non-loopback address (keys protect it)", async () => {
    harness = await createHarness({ config: { host: "0.0.0.0", apiKeys: ["k1"] } });
    const res = await request(harness.app).get("/health").set("Host", "proxy.lan:8083");
    expect(res.status).toBe(200);
  });
});

describe("API keys", () => {
  it("requires a key on API routes, accepting Bearer and x-api-key", async () => {
    harness = await createHarness({ config: { apiKeys: ["key-one", "key-two"] } });
    const app = harness.app;
    const missing = await request(app).get("/v1/models");
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("missing_api_key");
    const wrong = await request(app).get("/v1/models").set("Authorization", "Bearer nope");
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_api_key");
    expect(JSON.stringify(wrong.body)).not.toContain("key-one");
    expect((await request(app).get("/v1/models").set("Authorization", "Bearer key-two")).status).toBe(200);
    expect((await request(app).get("/models").set("x-api-key", "key-one")).status).toBe(200);
    expect((await request(app).get("/v1/status")).status).toBe(401);
    expect((await request(app).get("/v1/management/events")).status).toBe(401);
  });

  it("leaves /health and GET / open, with or without /v1", async () => {
    harness = await createHarness({ config: { apiKeys: ["key-one"] } });
    for (const path of ["/health", "/v1/health", "/", "/v1"]) {
      expect((await request(harness.app).get(path)).status, path).toBe(200);
    }
  });

  it("also accepts the dashboard key CMP_API_KEY once keys are configured", async () => {
    harness = await createHarness({ config: { apiKeys: ["key-one"], dashboardApiKey: "dash" } });
    expect((await request(harness.app).get("/v1/status").set("x-api-key", "dash")).status).toBe(200);
  });
});

describe("CORS", () => {
  it("sends no CORS headers at all by default", async () => {
    harness = await createHarness();
    const res = await request(harness.app).get("/v1/models").set("Origin", "https://app.example.com");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    const preflight = await request(harness.app)
      .options("/v1/chat/completions")
      .set("Origin", "https://app.example.com")
      .set("Access-Control-Request-Method", "POST");
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers preflights and requests for configured origins only", async () => {
    harness = await createHarness({ config: { corsOrigins: ["https://app.example.com"], apiKeys: ["k"] } });
    const preflight = await request(harness.app)
      .options("/v1/chat/completions")
      .set("Origin", "https://app.example.com")
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "authorization, content-type");
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(preflight.headers["access-control-allow-headers"]).toContain("authorization");
    const res = await request(harness.app)
      .get("/v1/models")
      .set("Origin", "https://app.example.com")
      .set("Authorization", "Bearer k");
    expect(res.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    const other = await request(harness.app)
      .get("/v1/models")
      .set("Origin", "https://evil.example.com")
      .set("Authorization", "Bearer k");
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
