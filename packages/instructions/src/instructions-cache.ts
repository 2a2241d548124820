import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "@cmp/core";
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

function paths(cacheDir: string, file: string): { text: string; meta: string } {
  const family = file.replace(/\.md$/, "").replace(/[^A-Za-z0-9._-]/g, "_");
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
