import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./testing/app-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const tools = [
  { type: "function", function: { name: "send_message", parameters: { type: "object", properties: {} } } },
];

describe("client profiles", () => {
  it("change nothing unless a profile is chosen", async () => {
    harness = await createHarness();
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }], tools });
    expect(res.status).toBe(200);
    expect(res.headers["x-cmp-warnings"] ?? "").not.toContain("profile");
    expect(harness.upstreamBodies()[0]?.["tool_choice"]).not.toBe("required");
    const models = await request(harness.app).get("/v1/models");
    expect(models.body.data.some((m: { id: string }) => m.id === "gpt-5.4-high")).toBe(false);
  });

  it("letta (CMP_CLIENT_PROFILE): strips the provider prefix and forces tool_choice required", async () => {
    harness = await createHarness({ config: { clientProfiles: ["letta"] } });
    harness.codex.setScenario("tools");
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "openai-proxy/gpt-5.4", messages: [{ role: "user", content: "hi" }], tools });
    expect(res.status).toBe(200);
    expect(res.headers["x-cmp-warnings"]).toContain("letta profile");
    expect(harness.upstreamBodies()[0]).toMatchObject({ model: "gpt-5.4", tool_choice: "required" });
    expect((await request(harness.app).get("/v1/models/letta-proxy/gpt-5.4")).status).toBe(200);
  });

  it("letta via the /profile/letta path prefix or the x-cmp-profile header, for one request", async () => {
    harness = await createHarness();
    const viaPath = await request(harness.app)
      .post("/profile/letta/v1/chat/completions")
      .send({ model: "proxy/gpt-5.4", messages: [{ role: "user", content: "hi" }] });
    expect(viaPath.status).toBe(200);
    const viaHeader = await request(harness.app)
      .post("/v1/chat/completions")
      .set("x-cmp-profile", "letta")
      .send({
        model: "proxy/gpt-5.4",
        messages: [{ role: "user", content: "hi" }],
        tools,
        tool_choice: "none",
      });
    expect(viaHeader.status).toBe(200);
    expect(harness.upstreamBodies()[1]?.["tool_choice"]).toBe("none");
    const unknown = await request(harness.app).get("/v1/models").set("x-cmp-profile", "nope");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("unknown_client_profile");
  });

  it("openwebui: per-effort model ids, and background tasks on CMP_BACKGROUND_MODEL", async () => {
    harness = await createHarness({
      config: { clientProfiles: ["openwebui"], backgroundModel: "gpt-5.4-mini" },
    });
    const models = await request(harness.app).get("/v1/models");
    const ids = models.body.data.map((m: { id: string }) => m.id);
    expect(ids).toContain("gpt-5.4-high");
    const high = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4-high", messages: [{ role: "user", content: "hi" }] });
    expect(high.status).toBe(200);
    expect(harness.upstreamBodies()[0]).toMatchObject({ model: "gpt-5.4", reasoning: { effort: "high" } });
    const title = await request(harness.app)
      .post("/v1/chat/completions")
      .send({
        model: "gpt-5.4",
        messages: [{ role: "user", content: "### Task:\nGenerate a concise title" }],
      });
    expect(title.status).toBe(200);
    expect(title.headers["x-cmp-warnings"]).toContain("CMP_BACKGROUND_MODEL");
    expect(harness.upstreamBodies()[1]?.["model"]).toBe("gpt-5.4-mini");
  });

  it("applies CMP_MODEL_ALIASES", async () => {
    harness = await createHarness({ config: { modelAliases: { "gpt-4o-mini": "gpt-5.4-mini" } } });
    const res = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(harness.upstreamBodies()[0]?.["model"]).toBe("gpt-5.4-mini");
  });
});
