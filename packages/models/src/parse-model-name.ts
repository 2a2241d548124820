const providerPrefixes = ["openai/", "openai-proxy/", "chatgpt/"];
const datedSuffix = /-\d{4}-\d{2}-\d{2}$/;

/**
 * Normalises a requested model name: trimmed, lower-case, without a provider prefix
 * (`openai/`, `openai-proxy/`, `chatgpt/`, or any `something/` a client adds, as Letta does).
 */
export function normalizeModelName(name: string): string {
  let value = name.trim().toLowerCase();
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of providerPrefixes) {
      if (value.startsWith(prefix)) {
        value = value.slice(prefix.length);
        changed = true;
      }
    }
  }
  const slash = value.lastIndexOf("/");
  return slash >= 0 ? value.slice(slash + 1) : value;
}

/** `gpt-4o-2024-08-06` → `gpt-4o`; other names unchanged. */
export function stripDateSuffix(name: string): string {
  return name.replace(datedSuffix, "");
}

/**
 * Splits an effort suffix (`-high`, `_low`, `:xhigh`) off a normalised name, for any effort in
 * `efforts`. Returns `null` when the name has none.
 */
export function splitEffortSuffix(
  name: string,
  efforts: ReadonlySet<string>,
): { base: string; effort: string } | null {
  const match = /^(.+?)[-_:]([a-z0-9]+)$/.exec(name);
  const base = match?.[1];
  const effort = match?.[2];
  if (!base || !effort || !efforts.has(effort)) return null;
  return { base, effort };
}
