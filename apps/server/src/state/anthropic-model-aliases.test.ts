import { bundledCatalog, resolveModel } from "@cmp/models";
import { describe, expect, it } from "vitest";
import {
  chooseClaudeTierModels,
  claudeTierOf,
  createClaudeModelResolver,
} from "./anthropic-model-aliases.js";

describe("Claude model names", () => {
  it.each([
    ["claude-opus-4-1", "opus"],
    ["claude-opus-4-5-20251101", "opus"],
    ["claude-sonnet-4-5-20250929", "sonnet"],
    ["claude-3-5-sonnet-latest", "sonnet"],
    ["Claude-Haiku-4-5", "haiku"],
    ["claude-3-haiku-20240307", "haiku"],
    ["claude-instant-1.2", null],
    ["gpt-5.4", null],
    ["my-sonnet", null],
  ])("%s → %s", (name, tier) => {
    expect(claudeTierOf(name)).toBe(tier);
  });

  it("chooses the strongest, the default and the smallest model from the catalog's own order and fields", () => {
    expect(chooseClaudeTierModels(bundledCatalog)).toEqual({
      opus: "gpt-5.6-sol",
      sonnet: "gpt-5.6-terra",
      haiku: "gpt-5.4-mini",
    });
    const small = bundledCatalog.filter((model) =>
      ["gpt-5.5", "gpt-5.4", "gpt-5.4-mini"].includes(model.slug),
    );
    expect(chooseClaudeTierModels(small)).toEqual({
      opus: "gpt-5.5",
      sonnet: "gpt-5.4",
      haiku: "gpt-5.4-mini",
    });
    expect(chooseClaudeTierModels([])).toBeNull();
  });

  it("resolves a Claude name to its family's model with a warning; user aliases and other names as usual", () => {
    const aliases = { "claude-opus-4-1": "gpt-5.4-high" };
    const resolve = createClaudeModelResolver(
      (request, catalog) => resolveModel(request, { catalog, aliases }),
      aliases,
    );
    const sonnet = resolve({ model: "claude-sonnet-4-5" }, bundledCatalog);
    expect(sonnet.slug).toBe("gpt-5.6-terra");
    expect(sonnet.warnings[0]).toBe('model "claude-sonnet-4-5" (Claude sonnet) is served by "gpt-5.6-terra"');
    const aliased = resolve({ model: "claude-opus-4-1" }, bundledCatalog);
    expect([aliased.slug, aliased.effort]).toEqual(["gpt-5.4", "high"]);
    expect(resolve({ model: "gpt-5.5" }, bundledCatalog).slug).toBe("gpt-5.5");
    expect(() => resolve({ model: "claude-instant-1.2" }, bundledCatalog)).toThrow(/claude-instant/);
  });
});
