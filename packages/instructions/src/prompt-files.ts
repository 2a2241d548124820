/** One row of {@link PROMPT_FILES}: slugs containing `contains` use `file`. */
export interface PromptFileRule {
  contains: string;
  file: string;
}

/**
 * Which prompt file of openai/codex (`codex-rs/core/<file>`) belongs to a model, checked in order;
 * the first rule whose `contains` is part of the slug wins (the order numman's plugin uses).
 */
export const PROMPT_FILES = [
  { contains: "gpt-5.2-codex", file: "gpt-5.2-codex_prompt.md" },
  { contains: "codex-max", file: "gpt-5.1-codex-max_prompt.md" },
  { contains: "codex", file: "gpt_5_codex_prompt.md" },
  { contains: "gpt-5.2", file: "gpt_5_2_prompt.md" },
  { contains: "gpt-5.1", file: "gpt_5_1_prompt.md" },
] as const satisfies readonly PromptFileRule[];

/** The generic prompt file, for every model no rule matches. */
export const DEFAULT_PROMPT_FILE = "prompt.md";

/** The prompt file name for a model slug. */
export function promptFileFor(slug: string): string {
  const lower = slug.toLowerCase();
  return PROMPT_FILES.find((rule) => lower.includes(rule.contains))?.file ?? DEFAULT_PROMPT_FILE;
}
