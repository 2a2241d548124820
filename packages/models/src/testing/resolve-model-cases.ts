import type { ModelRequest } from "../resolve-model.js";

/**
 * Name-resolution cases against the bundled snapshot. `resolve-model.test.ts` asserts each one,
 * and `readme-table.test.ts` renders the README's resolution table from the same array.
 */
export interface ResolveCase {
  request: ModelRequest;
  aliases?: Record<string, string>;
  /** Slugs removed from the snapshot for this case, to show the mapping follows the catalog. */
  without?: string[];
  expected: { slug: string; effort: string | null; warnings: string[] } | { error: "model_not_found" };
}

const retired = (name: string, slug: string) => `model "${name}" is retired; using "${slug}"`;
const notServed = (name: string, slug: string) =>
  `model "${name}" is not available with a ChatGPT subscription; using "${slug}"`;
const clamped = (effort: string, slug: string, to: string) =>
  `reasoning effort "${effort}" is not supported by "${slug}"; using "${to}"`;

/** Every name form the resolver accepts, with the expected slug, effort and warnings. */
export const resolveCases: ResolveCase[] = [
  // Exact slugs, case-insensitive and trimmed; hidden slugs stay usable.
  { request: { model: "gpt-5.5" }, expected: { slug: "gpt-5.5", effort: "medium", warnings: [] } },
  { request: { model: "  GPT-5.6-Sol " }, expected: { slug: "gpt-5.6-sol", effort: "low", warnings: [] } },
  {
    request: { model: "codex-auto-review" },
    expected: { slug: "codex-auto-review", effort: "medium", warnings: [] },
  },
  // Effort suffixes.
  { request: { model: "gpt-5.5-high" }, expected: { slug: "gpt-5.5", effort: "high", warnings: [] } },
  { request: { model: "gpt-5.4-mini_low" }, expected: { slug: "gpt-5.4-mini", effort: "low", warnings: [] } },
  {
    request: { model: "gpt-5.6-sol:xhigh" },
    expected: { slug: "gpt-5.6-sol", effort: "xhigh", warnings: [] },
  },
  {
    request: { model: "gpt-5.6-terra-max" },
    expected: { slug: "gpt-5.6-terra", effort: "max", warnings: [] },
  },
  {
    request: { model: "gpt-5.6-sol-ultra" },
    expected: { slug: "gpt-5.6-sol", effort: "ultra", warnings: [] },
  },
  // Efforts the model does not accept are clamped to the nearest one it does.
  {
    request: { model: "gpt-5.5-none" },
    expected: { slug: "gpt-5.5", effort: "low", warnings: [clamped("none", "gpt-5.5", "low")] },
  },
  {
    request: { model: "gpt-5.5-minimal" },
    expected: { slug: "gpt-5.5", effort: "low", warnings: [clamped("minimal", "gpt-5.5", "low")] },
  },
  {
    request: { model: "gpt-5.5-ultra" },
    expected: { slug: "gpt-5.5", effort: "xhigh", warnings: [clamped("ultra", "gpt-5.5", "xhigh")] },
  },
  {
    request: { model: "gpt-5.6-luna-ultra" },
    expected: { slug: "gpt-5.6-luna", effort: "max", warnings: [clamped("ultra", "gpt-5.6-luna", "max")] },
  },
  // An explicit effort in the request wins over a suffix, and is clamped too.
  {
    request: { model: "gpt-5.5-low", reasoningEffort: "high" },
    expected: {
      slug: "gpt-5.5",
      effort: "high",
      warnings: ['reasoning effort "high" from the request overrides "low" from the model name'],
    },
  },
  {
    request: { model: "gpt-5.4-mini", reasoningEffort: "minimal" },
    expected: { slug: "gpt-5.4-mini", effort: "low", warnings: [clamped("minimal", "gpt-5.4-mini", "low")] },
  },
  // Provider prefixes.
  { request: { model: "openai/gpt-5.5" }, expected: { slug: "gpt-5.5", effort: "medium", warnings: [] } },
  {
    request: { model: "openai-proxy/gpt-5.4-mini" },
    expected: { slug: "gpt-5.4-mini", effort: "medium", warnings: [] },
  },
  {
    request: { model: "chatgpt/gpt-5.6-terra-high" },
    expected: { slug: "gpt-5.6-terra", effort: "high", warnings: [] },
  },
  // Legacy Codex names.
  {
    request: { model: "gpt-5-codex-low" },
    expected: { slug: "gpt-5.5", effort: "low", warnings: [retired("gpt-5-codex", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5-codex-medium" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [retired("gpt-5-codex", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5-codex-high" },
    expected: { slug: "gpt-5.5", effort: "high", warnings: [retired("gpt-5-codex", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [retired("gpt-5", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5-codex" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [retired("gpt-5-codex", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5.1" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [retired("gpt-5.1", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5.1-codex" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [retired("gpt-5.1-codex", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5.1-codex-max" },
    expected: { slug: "gpt-5.6-sol", effort: "low", warnings: [retired("gpt-5.1-codex-max", "gpt-5.6-sol")] },
  },
  {
    request: { model: "gpt-5.1-codex-max-xhigh" },
    expected: {
      slug: "gpt-5.6-sol",
      effort: "xhigh",
      warnings: [retired("gpt-5.1-codex-max", "gpt-5.6-sol")],
    },
  },
  {
    request: { model: "gpt-5.1-codex-mini" },
    expected: {
      slug: "gpt-5.6-luna",
      effort: "medium",
      warnings: [retired("gpt-5.1-codex-mini", "gpt-5.6-luna")],
    },
  },
  {
    request: { model: "gpt-5.2" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [retired("gpt-5.2", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5.2-codex:high" },
    expected: { slug: "gpt-5.5", effort: "high", warnings: [retired("gpt-5.2-codex", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-5.3-codex" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [retired("gpt-5.3-codex", "gpt-5.5")] },
  },
  {
    request: { model: "codex-mini-latest" },
    expected: {
      slug: "gpt-5.6-luna",
      effort: "medium",
      warnings: [retired("codex-mini-latest", "gpt-5.6-luna")],
    },
  },
  // OpenAI API names clients send by default.
  {
    request: { model: "gpt-4o" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [notServed("gpt-4o", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-4o-2024-08-06" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [notServed("gpt-4o", "gpt-5.5")] },
  },
  {
    request: { model: "gpt-4o-mini" },
    expected: {
      slug: "gpt-5.6-luna",
      effort: "medium",
      warnings: [notServed("gpt-4o-mini", "gpt-5.6-luna")],
    },
  },
  {
    request: { model: "gpt-4.1" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [notServed("gpt-4.1", "gpt-5.5")] },
  },
  {
    request: { model: "o3" },
    expected: { slug: "gpt-5.5", effort: "medium", warnings: [notServed("o3", "gpt-5.5")] },
  },
  {
    request: { model: "o4-mini", reasoningEffort: "high" },
    expected: { slug: "gpt-5.6-luna", effort: "high", warnings: [notServed("o4-mini", "gpt-5.6-luna")] },
  },
  // The mapping is resolved against the current catalog, so it follows the backend.
  {
    request: { model: "gpt-5-codex" },
    without: ["gpt-5.5"],
    expected: {
      slug: "gpt-5.6-terra",
      effort: "medium",
      warnings: [retired("gpt-5-codex", "gpt-5.6-terra")],
    },
  },
  {
    request: { model: "gpt-5.4" },
    without: ["gpt-5.4"],
    expected: { slug: "gpt-5.6-terra", effort: "medium", warnings: [retired("gpt-5.4", "gpt-5.6-terra")] },
  },
  {
    request: { model: "gpt-5.4-mini-high" },
    without: ["gpt-5.4-mini"],
    expected: { slug: "gpt-5.6-luna", effort: "high", warnings: [retired("gpt-5.4-mini", "gpt-5.6-luna")] },
  },
  // User aliases apply first and may carry an effort suffix.
  {
    request: { model: "fast" },
    aliases: { fast: "gpt-5.6-luna-low" },
    expected: {
      slug: "gpt-5.6-luna",
      effort: "low",
      warnings: ['model "fast" is an alias for "gpt-5.6-luna-low"'],
    },
  },
  {
    request: { model: "openai/My-Coder" },
    aliases: { "my-coder": "gpt-5-codex-high" },
    expected: {
      slug: "gpt-5.5",
      effort: "high",
      warnings: ['model "my-coder" is an alias for "gpt-5-codex-high"', retired("gpt-5-codex", "gpt-5.5")],
    },
  },
  // Unknown names.
  { request: { model: "gpt-9" }, expected: { error: "model_not_found" } },
  { request: { model: "gpt-5.5-turbo" }, expected: { error: "model_not_found" } },
  { request: { model: "" }, expected: { error: "model_not_found" } },
];
