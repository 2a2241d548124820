/** Tags that name a reasoning effort: the model resolver reads `gpt-5.4:high` as that effort. */
const EFFORT_TAGS: ReadonlySet<string> = new Set([
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "max",
  "ultra",
]);

/** An Ollama model name read as the name the proxy resolves, and what was changed. */
export interface OllamaModelName {
  /** The name for the model resolver (aliases, catalog, effort suffixes). */
  model: string;
  /** For `x-cmp-warnings`: a tag that was dropped. */
  warnings: string[];
}

/**
 * Ollama's `name:tag` rule: clients send `llama3.2:latest` for `llama3.2`. A name that is itself an
 * alias (`CMP_MODEL_ALIASES`, case-insensitive) is kept whole for the resolver; `:latest` is dropped;
 * an effort tag (`gpt-5.4:high`) is kept, as the resolver reads it as the reasoning effort; any other
 * tag is dropped with a warning. A colon inside a path (`host:5000/name`) is not a tag.
 */
export function readOllamaModelName(
  name: string,
  aliases: Readonly<Record<string, string>>,
): OllamaModelName {
  const trimmed = name.trim();
  const lower = trimmed.toLowerCase();
  if (Object.keys(aliases).some((key) => key.trim().toLowerCase() === lower)) {
    return { model: trimmed, warnings: [] };
  }
  const colon = trimmed.lastIndexOf(":");
  if (colon <= 0 || trimmed.includes("/", colon)) return { model: trimmed, warnings: [] };
  const base = trimmed.slice(0, colon);
  const tag = trimmed.slice(colon + 1).toLowerCase();
  if (tag === "latest" || tag === "") return { model: base, warnings: [] };
  if (EFFORT_TAGS.has(tag)) return { model: trimmed, warnings: [] };
  return { model: base, warnings: [`model tag ':${tag}' ignored; using '${base}'`] };
}
