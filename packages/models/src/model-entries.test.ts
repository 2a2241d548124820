import { describe, expect, it } from "vitest";
import { bundledCatalog } from "./bundled-catalog.js";
import { toModelEntries, toModelEntry } from "./model-entries.js";

describe("toModelEntries", () => {
  it("lists the visible models by priority with the fields clients read", () => {
    const entries = toModelEntries(bundledCatalog);
    expect(entries.map((entry) => entry.id)).toEqual([
      "gpt-5.6-sol",
      "gpt-5.6-terra",
      "gpt-5.6-luna",
      "gpt-5.5",
      "gpt-5.4",
      "gpt-5.4-mini",
      "gpt-5.3-codex-spark",
    ]);
    expect(entries.find((entry) => entry.id === "gpt-5.5")).toEqual({
      id: "gpt-5.5",
      object: "model",
      created: 1_767_225_593,
      owned_by: "openai",
      type: "model",
      display_name: "GPT-5.5",
      context_window: 272_000,
      context_length: 272_000,
      max_context_window: 272_000,
      reasoning_efforts: ["low", "medium", "high", "xhigh"],
      default_reasoning_effort: "medium",
      input_modalities: ["text", "image"],
    });
  });

  it("keeps `created` stable and newest-first by catalog priority", () => {
    const entries = toModelEntries(bundledCatalog);
    expect(toModelEntries(bundledCatalog)).toEqual(entries);
    const created = entries.map((entry) => entry.created);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it("adds per-effort variants only when asked", () => {
    const entries = toModelEntries(bundledCatalog, { effortVariants: true });
    const ids = entries.map((entry) => entry.id);
    expect(ids.slice(0, 7)).toEqual([
      "gpt-5.6-sol",
      "gpt-5.6-sol-low",
      "gpt-5.6-sol-medium",
      "gpt-5.6-sol-high",
      "gpt-5.6-sol-xhigh",
      "gpt-5.6-sol-max",
      "gpt-5.6-sol-ultra",
    ]);
    expect(ids).not.toContain("codex-auto-review-low");
    expect(entries.find((entry) => entry.id === "gpt-5.5-high")).toMatchObject({
      display_name: "GPT-5.5 (high)",
      context_length: 272_000,
      reasoning_efforts: ["high"],
      default_reasoning_effort: "high",
      parent: "gpt-5.5",
    });
  });

  it("passes max_output_tokens through where the catalog has it", () => {
    const [entry] = toModelEntries([{ slug: "x", max_output_tokens: 128_000 }]);
    expect(entry).toMatchObject({
      id: "x",
      display_name: "x",
      max_output_tokens: 128_000,
      input_modalities: ["text"],
    });
    expect(entry).not.toHaveProperty("context_length");
  });
});

describe("toModelEntry", () => {
  it("finds listed ids and hidden slugs, case-insensitively", () => {
    expect(toModelEntry(bundledCatalog, "GPT-5.5")?.id).toBe("gpt-5.5");
    expect(toModelEntry(bundledCatalog, "codex-auto-review")?.id).toBe("codex-auto-review");
  });

  it("finds variants only when they are on, and never legacy names", () => {
    expect(toModelEntry(bundledCatalog, "gpt-5.5-high")).toBeNull();
    expect(toModelEntry(bundledCatalog, "gpt-5.5-high", { effortVariants: true })?.parent).toBe("gpt-5.5");
    expect(toModelEntry(bundledCatalog, "gpt-5.5-ultra", { effortVariants: true })).toBeNull();
    expect(toModelEntry(bundledCatalog, "gpt-5-codex")).toBeNull();
  });
});
