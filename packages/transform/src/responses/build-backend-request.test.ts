import { describe, expect, it } from "vitest";
import {
  buildBackendRequest,
  collectDroppedParameterWarnings,
  createOrphanToolOutputNote,
} from "./build-backend-request.js";

const parts = {
  model: { slug: "gpt-5.5", effort: "high", summary: "auto" },
  instructions: "Be brief.",
  input: [{ type: "message", role: "user", content: "hi" }],
  tools: [] as Array<{ type: string }>,
  toolChoice: undefined,
  parallelToolCalls: undefined,
  include: undefined,
  format: undefined,
  promptCacheKey: "key-1",
};

describe("buildBackendRequest", () => {
  it("forces store false and stream true and adds encrypted reasoning when the model reasons", () => {
    const warnings: string[] = [];
    expect(buildBackendRequest(parts, warnings)).toEqual({
      model: "gpt-5.5",
      instructions: "Be brief.",
      input: parts.input,
      prompt_cache_key: "key-1",
      store: false,
      stream: true,
      reasoning: { effort: "high", summary: "auto" },
      include: ["reasoning.encrypted_content"],
    });
    expect(warnings).toEqual([]);
  });

  it("keeps the client's include once, adding encrypted reasoning only once", () => {
    const value = buildBackendRequest({ ...parts, include: ["a", "a", "reasoning.encrypted_content"] }, []);
    expect(value.include).toEqual(["a", "reasoning.encrypted_content"]);
    const noReasoning = buildBackendRequest({ ...parts, model: { slug: "m" }, include: ["a"] }, []);
    expect(noReasoning.include).toEqual(["a"]);
    expect(noReasoning.reasoning).toBeUndefined();
  });

  it("sends tool_choice (default auto) and parallel_tool_calls only with tools; warns when a forced choice is dropped", () => {
    const withTools = buildBackendRequest(
      { ...parts, tools: [{ type: "function" }], parallelToolCalls: false },
      [],
    );
    expect(withTools.tool_choice).toBe("auto");
    expect(withTools.parallel_tool_calls).toBe(false);
    const warnings: string[] = [];
    const without = buildBackendRequest(
      { ...parts, toolChoice: "required", parallelToolCalls: true },
      warnings,
    );
    expect(without).not.toHaveProperty("tool_choice");
    expect(without).not.toHaveProperty("parallel_tool_calls");
    expect(warnings).toEqual(["tool_choice dropped: the request has no tools"]);
    const quiet: string[] = [];
    buildBackendRequest({ ...parts, toolChoice: "auto" }, quiet);
    expect(quiet).toEqual([]);
  });

  it("sends only the model resolution's verbosity (the catalog decides) and priority only when resolved", () => {
    expect(buildBackendRequest(parts, []).text).toBeUndefined();
    const resolved = buildBackendRequest(
      {
        ...parts,
        model: { slug: "m", verbosity: "low", serviceTier: "priority" },
        format: { type: "json_object" },
      },
      [],
    );
    expect(resolved.text).toEqual({ verbosity: "low", format: { type: "json_object" } });
    expect(resolved.service_tier).toBe("priority");
    expect(
      buildBackendRequest({ ...parts, model: { slug: "m", serviceTier: "flex" } }, []),
    ).not.toHaveProperty("service_tier");
  });
});

describe("buildBackendRequest reasoning", () => {
  it("adds reasoning.context all_turns for a responses-lite resolution, in the classic shape", () => {
    const value = buildBackendRequest(
      {
        ...parts,
        model: { slug: "gpt-5.6-sol", effort: "low", summary: "auto", reasoningContext: "all_turns" },
      },
      [],
    );
    expect(value.reasoning).toEqual({ effort: "low", summary: "auto", context: "all_turns" });
    expect(value.instructions).toBe("Be brief.");
    expect(buildBackendRequest(parts, []).reasoning).toEqual({ effort: "high", summary: "auto" });
  });
});

describe("collectDroppedParameterWarnings", () => {
  it("warns for set dropped parameters, store: true and unknown keys, not for nulls", () => {
    const warnings: string[] = [];
    collectDroppedParameterWarnings(
      { model: "m", temperature: 1, top_p: null, store: true, novel: 1 },
      ["temperature", "top_p"],
      new Set(["model", "temperature", "top_p", "store"]),
      warnings,
    );
    expect(warnings).toEqual([
      "parameter 'temperature' is not supported by the ChatGPT backend; dropped",
      "parameter 'store' dropped: the ChatGPT backend never stores responses",
      "unknown parameter 'novel' dropped",
    ]);
  });
});

describe("createOrphanToolOutputNote", () => {
  it("turns the output into a user text note and says where it was", () => {
    const warnings: string[] = [];
    expect(createOrphanToolOutputNote("call_9", "42", "input[3]", warnings)).toEqual({
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "[Result of earlier tool call call_9]\n42" }],
    });
    expect(warnings).toEqual([
      "input[3]: the output of tool call call_9 has no matching call in the conversation; sent as a text note",
    ]);
  });
});
