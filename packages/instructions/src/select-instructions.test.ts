import { describe, expect, it } from "vitest";
import { createInstructionsModeMemory } from "./instructions-mode-memory.js";
import { isInstructionsRejection } from "./instructions-rejection.js";
import { promptFileFor } from "./prompt-files.js";
import { selectInstructions } from "./select-instructions.js";

describe("selectInstructions", () => {
  const baseInstructions = "You are Codex.";

  it("client mode: joins the system prompts in order with blank lines", () => {
    expect(
      selectInstructions({
        mode: "client",
        systemPrompts: ["Be terse.", "  ", "Use French."],
        baseInstructions,
      }),
    ).toEqual({ instructions: "Be terse.\n\nUse French.", systemMessages: "instructions" });
  });

  it("client mode: falls back to the base instructions without a system prompt", () => {
    expect(selectInstructions({ mode: "client", systemPrompts: [], baseInstructions })).toEqual({
      instructions: baseInstructions,
      systemMessages: "instructions",
    });
  });

  it("codex mode: sends the base instructions and the prompts as developer messages", () => {
    expect(selectInstructions({ mode: "codex", systemPrompts: ["Be terse."], baseInstructions })).toEqual({
      instructions: baseInstructions,
      systemMessages: "developer",
    });
  });
});

describe("isInstructionsRejection", () => {
  it.each([
    [400, '{"detail":"Instructions are not valid"}', true],
    [400, '{"detail":"Instructions are required"}', true],
    [400, '{"error":{"message":"Instructions are not valid","type":"invalid_request_error"}}', true],
    [400, "Instructions are required", true],
    [422, '{"detail":"instructions: field required"}', true],
    [400, '{"detail":"Unsupported parameter: max_output_tokens"}', false],
    [400, '{"detail":"Store must be set to false"}', false],
    [500, '{"detail":"Instructions are not valid"}', false],
    [401, "", false],
  ])("status %i, body %s → %s", (status, body, expected) => {
    expect(isInstructionsRejection(status, body)).toBe(expected);
  });
});

describe("createInstructionsModeMemory", () => {
  it("switches only the rejected account to codex mode", () => {
    const memory = createInstructionsModeMemory();
    expect(memory.modeFor("acc_a", "client")).toBe("client");
    memory.rememberCodexRequired("acc_a");
    expect(memory.modeFor("acc_a", "client")).toBe("codex");
    expect(memory.modeFor("acc_b", "client")).toBe("client");
    expect(memory.modeFor("acc_b", "codex")).toBe("codex");
    memory.forget("acc_a");
    expect(memory.modeFor("acc_a", "client")).toBe("client");
  });

  it("remembers a login without an account id (null) as one account of its own", () => {
    const memory = createInstructionsModeMemory();
    memory.rememberCodexRequired(null);
    expect(memory.modeFor(null, "client")).toBe("codex");
    expect(memory.modeFor("acc_a", "client")).toBe("client");
    memory.forget(null);
    expect(memory.modeFor(null, "client")).toBe("client");
  });

  it("forgets after ttlMs when one is set", () => {
    let clock = 0;
    const memory = createInstructionsModeMemory({ now: () => clock, ttlMs: 60_000 });
    memory.rememberCodexRequired("acc_a");
    clock = 59_999;
    expect(memory.modeFor("acc_a", "client")).toBe("codex");
    clock = 60_000;
    expect(memory.modeFor("acc_a", "client")).toBe("client");
  });
});

describe("promptFileFor", () => {
  it.each([
    ["gpt-5.2-codex", "gpt-5.2-codex_prompt.md"],
    ["gpt-5.1-codex-max", "gpt-5.1-codex-max_prompt.md"],
    ["gpt-5-codex", "gpt_5_codex_prompt.md"],
    ["gpt-5.2", "gpt_5_2_prompt.md"],
    ["gpt-5.1", "gpt_5_1_prompt.md"],
    ["gpt-5.5", "prompt.md"],
  ])("%s → %s", (slug, file) => {
    expect(promptFileFor(slug)).toBe(file);
  });
});
