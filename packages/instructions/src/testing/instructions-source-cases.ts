import type { CatalogModel } from "@cmp/models";
import type { InstructionsSource } from "../instructions-provider.js";

/**
 * Which source wins for base instructions, one situation per row. `instructions-provider.test.ts`
 * runs each against a local fake GitHub, and `readme-table.test.ts` renders the README table from it.
 */
export interface SourceCase {
  situation: string;
  model: CatalogModel;
  /** A cached copy of the model's prompt file, checked this many minutes ago for `tag`. */
  cache?: { tag: string; checkedMinutesAgo: number };
  /** `up`: release `rust-v1` with the file; `new-tag`: release `rust-v2`; `down`: connection refused. */
  github: "up" | "new-tag" | "file-404" | "release-404" | "down";
  expected: { source: InstructionsSource; requests: string[] };
}

const codexModel: CatalogModel = { slug: "gpt-5.1-codex" };

/** The situations, in the order the sources are tried. */
export const sourceCases: SourceCase[] = [
  {
    situation: "the catalog has `base_instructions` for the slug",
    model: { slug: "gpt-5.5", base_instructions: "catalog prompt" },
    github: "up",
    expected: { source: "catalog", requests: [] },
  },
  {
    situation: "no `base_instructions`, nothing cached",
    model: codexModel,
    github: "up",
    expected: { source: "github", requests: ["release → 200", "gpt_5_codex_prompt.md@rust-v1 → 200"] },
  },
  {
    situation: "cached, checked 5 minutes ago",
    model: codexModel,
    cache: { tag: "rust-v1", checkedMinutesAgo: 5 },
    github: "up",
    expected: { source: "github-cache", requests: [] },
  },
  {
    situation: "cached, checked 20 minutes ago, same release",
    model: codexModel,
    cache: { tag: "rust-v1", checkedMinutesAgo: 20 },
    github: "up",
    expected: {
      source: "github-cache",
      requests: ["release → 200", "gpt_5_codex_prompt.md@rust-v1 If-None-Match → 304"],
    },
  },
  {
    situation: "cached, checked 20 minutes ago, new release tag",
    model: codexModel,
    cache: { tag: "rust-v1", checkedMinutesAgo: 20 },
    github: "new-tag",
    expected: { source: "github", requests: ["release → 200", "gpt_5_codex_prompt.md@rust-v2 → 200"] },
  },
  {
    situation: "cached, checked 20 minutes ago, GitHub unreachable",
    model: codexModel,
    cache: { tag: "rust-v1", checkedMinutesAgo: 20 },
    github: "down",
    expected: { source: "github-cache", requests: [] },
  },
  {
    situation: "nothing cached, the prompt file is gone (404), slug in the bundled snapshot",
    model: { slug: "gpt-5.5" },
    github: "file-404",
    expected: { source: "bundled-catalog", requests: ["release → 200", "prompt.md@rust-v1 → 404"] },
  },
  {
    situation: "nothing cached, GitHub unreachable, slug in the bundled snapshot",
    model: { slug: "gpt-5.5" },
    github: "down",
    expected: { source: "bundled-catalog", requests: [] },
  },
  {
    situation: "nothing cached, the prompt file is gone (404), unknown slug",
    model: { slug: "gpt-7-codex" },
    github: "file-404",
    expected: { source: "bundled", requests: ["release → 200", "gpt_5_codex_prompt.md@rust-v1 → 404"] },
  },
  {
    situation: "nothing cached, no release (404), unknown slug",
    model: { slug: "gpt-7" },
    github: "release-404",
    expected: { source: "bundled", requests: ["release → 404"] },
  },
];
