import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type KeyValueCache, writeFileAtomically } from "@cmp/core";
import { z } from "zod";

const metaSchema = z.object({
  etag: z.string().nullable(),
  tag: z.string(),
  lastChecked: z.number(),
  url: z.string(),
});

/** What is known about one cached prompt file: its validators and when GitHub was last asked. */
export type InstructionsCacheMeta = z.infer<typeof metaSchema>;

/** A cached prompt file: the text and its metadata. */
export interface CachedInstructions {
  text: string;
  meta: InstructionsCacheMeta;
}

/** Where cached prompt files are kept: a folder, or a key-value map shared by several processes. */
export interface InstructionsCache {
  /** The cached prompt file; `null` when missing or corrupt. */
  read(file: string): Promise<CachedInstructions | null>;
  /** Saves a prompt file; `textChanged: false` only refreshes its metadata where that is cheaper. */
  write(file: string, cached: CachedInstructions, options: { textChanged: boolean }): Promise<void>;
}

/** A prompt file's name as a file name or key part (`gpt_5_codex_prompt` for `gpt_5_codex_prompt.md`). */
const familyOf = (file: string) => file.replace(/\.md$/, "").replace(/[^A-Za-z0-9._-]/g, "_");

function paths(cacheDir: string, file: string): { text: string; meta: string } {
  const family = familyOf(file);
  return {
    text: join(cacheDir, `instructions-${family}.md`),
    meta: join(cacheDir, `instructions-${family}-meta.json`),
  };
}

/** Reads a cached prompt file; `null` when missing or corrupt. */
export async function readInstructionsCache(
  cacheDir: string,
  file: string,
): Promise<CachedInstructions | null> {
  const { text, meta } = paths(cacheDir, file);
  try {
    const [body, metaText] = await Promise.all([readFile(text, "utf8"), readFile(meta, "utf8")]);
    const parsed = metaSchema.safeParse(JSON.parse(metaText));
    return parsed.success && body.trim() !== "" ? { text: body, meta: parsed.data } : null;
  } catch {
    return null;
  }
}

/**
 * Writes a prompt file and its metadata, each atomically (`@cmp/core`'s `writeFileAtomically`: temp file, fsync, rename),
 * mode 0600 in a 0700 folder. Text first, so metadata never points at a missing text.
 */
export async function writeInstructionsCache(
  cacheDir: string,
  file: string,
  cached: CachedInstructions,
  options: { textChanged: boolean },
): Promise<void> {
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  const { text, meta } = paths(cacheDir, file);
  if (options.textChanged) await writeFileAtomically(text, cached.text);
  await writeFileAtomically(meta, JSON.stringify(cached.meta));
}

/** The prompt files in `cacheDir` (text + `-meta.json`). */
export function createFileInstructionsCache(cacheDir: string): InstructionsCache {
  return {
    read: (file) => readInstructionsCache(cacheDir, file),
    write: (file, cached, options) => writeInstructionsCache(cacheDir, file, cached, options),
  };
}

/**
 * The prompt files in a key-value map shared with other processes (a `@cmp/store` namespace): one key
 * per file holding text and metadata, validated on read; a failing read is no cache.
 */
export function createKeyValueInstructionsCache(cache: KeyValueCache): InstructionsCache {
  return {
    async read(file) {
      let value: unknown;
      try {
        value = await cache.get(`prompt.${familyOf(file)}`);
      } catch {
        return null;
      }
      if (typeof value !== "object" || value === null) return null;
      const { text, meta } = value as { text?: unknown; meta?: unknown };
      const parsed = metaSchema.safeParse(meta);
      return parsed.success && typeof text === "string" && text.trim() !== ""
        ? { text, meta: parsed.data }
        : null;
    },
    async write(file, cached) {
      await cache.set(`prompt.${familyOf(file)}`, { text: cached.text, meta: cached.meta });
    },
  };
}
