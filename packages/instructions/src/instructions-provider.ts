import type { KeyValueCache } from "@cmp/core";
import { bundledCatalog, type CatalogModel } from "@cmp/models";
import { BUNDLED_CODEX_PROMPT } from "./bundled-prompt.js";
import { createGithubPromptSource, type GithubPromptEvent } from "./github-prompt-source.js";
import { createFileInstructionsCache, createKeyValueInstructionsCache } from "./instructions-cache.js";
import { promptFileFor } from "./prompt-files.js";

/** Where base instructions came from, in the order the sources are tried. */
export type InstructionsSource =
  /** The live catalog's `base_instructions` for the slug. */
  | "catalog"
  /** A prompt file downloaded from openai/codex just now. */
  | "github"
  /** The cached copy of that file (checked recently, confirmed by a 304, or kept after a failure). */
  | "github-cache"
  /** `base_instructions` of the catalog snapshot bundled with `@cmp/models`. */
  | "bundled-catalog"
  /** The package's own generic Codex-style prompt. */
  | "bundled";

/** Options of {@link createInstructionsProvider}. */
export interface InstructionsProviderOptions {
  fetch?: typeof globalThis.fetch;
  /** Folder for the cached prompt files (text + `-meta.json`). No disk cache without it. */
  cacheDir?: string;
  /**
   * A key-value map shared with other processes (a `@cmp/store` namespace) that keeps the prompt files
   * instead of `cacheDir`, so several replicas ask GitHub once.
   */
  cache?: KeyValueCache;
  /** Default `https://api.github.com` (tests point it at a local server). */
  githubApiUrl?: string;
  /** Default `https://raw.githubusercontent.com`. */
  githubRawUrl?: string;
  /** Default `openai/codex`. */
  githubRepo?: string;
  /** Default `codex-rs/core`. */
  promptDir?: string;
  /** Clock in milliseconds. */
  now?: () => number;
  /** Ask GitHub at most this often per prompt file. Default 15 minutes. */
  checkIntervalMs?: number;
  /** Abort a GitHub request after this long. Default 10 seconds. */
  timeoutMs?: number;
  /** GitHub fetches and failures, for logs. */
  onEvent?: (event: GithubPromptEvent) => void;
}

/** Base instructions and the source that provided them. */
export interface ResolvedInstructions {
  text: string;
  source: InstructionsSource;
}

/** Finds the official base instructions for a model. */
export interface InstructionsProvider {
  /** The base instructions for a model; never rejects (every source fails over to the next). */
  getBaseInstructions(model: CatalogModel): Promise<string>;
  /** The same, with the source that won. */
  resolveBaseInstructions(model: CatalogModel): Promise<ResolvedInstructions>;
}

/**
 * Creates the provider of official base instructions. Sources, in order: the catalog's
 * `base_instructions` for the slug; the model family's prompt file in the latest openai/codex
 * release (cached with ETag and tag, asked at most every 15 minutes); the bundled catalog snapshot;
 * a bundled generic prompt.
 */
export function createInstructionsProvider(options: InstructionsProviderOptions = {}): InstructionsProvider {
  const github = createGithubPromptSource({
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
    apiUrl: options.githubApiUrl ?? "https://api.github.com",
    rawUrl: options.githubRawUrl ?? "https://raw.githubusercontent.com",
    repo: options.githubRepo ?? "openai/codex",
    promptDir: options.promptDir ?? "codex-rs/core",
    checkIntervalMs: options.checkIntervalMs ?? 15 * 60_000,
    timeoutMs: options.timeoutMs ?? 10_000,
    cache: options.cache
      ? createKeyValueInstructionsCache(options.cache)
      : options.cacheDir
        ? createFileInstructionsCache(options.cacheDir)
        : null,
    onEvent: (event) => {
      try {
        options.onEvent?.(event);
      } catch {
        // A logging listener must not fail a request.
      }
    },
  });

  async function resolveBaseInstructions(model: CatalogModel): Promise<ResolvedInstructions> {
    if (model.base_instructions?.trim()) return { text: model.base_instructions, source: "catalog" };
    const fromGithub = await github.get(promptFileFor(model.slug));
    if (fromGithub) return { text: fromGithub.text, source: fromGithub.fresh ? "github" : "github-cache" };
    const slug = model.slug.toLowerCase();
    const snapshot = bundledCatalog.find((candidate) => candidate.slug.toLowerCase() === slug);
    if (snapshot?.base_instructions?.trim())
      return { text: snapshot.base_instructions, source: "bundled-catalog" };
    return { text: BUNDLED_CODEX_PROMPT, source: "bundled" };
  }

  return {
    resolveBaseInstructions,
    async getBaseInstructions(model) {
      return (await resolveBaseInstructions(model)).text;
    },
  };
}
