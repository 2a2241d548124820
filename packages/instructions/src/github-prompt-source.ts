import { z } from "zod";
import type { CachedInstructions, InstructionsCache } from "./instructions-cache.js";
import { InstructionsError } from "./instructions-error.js";

/** What the GitHub source reports for logs. */
export type GithubPromptEvent =
  | { type: "github_fetched"; file: string; tag: string; status: 200 | 304 }
  | { type: "github_failed"; file: string; error: InstructionsError; usingCache: boolean }
  | { type: "cache_write_failed"; file: string; error: InstructionsError };

/** Options of {@link createGithubPromptSource}. */
export interface GithubPromptSourceOptions {
  fetch: typeof globalThis.fetch;
  now: () => number;
  /** Default `https://api.github.com`. */
  apiUrl: string;
  /** Default `https://raw.githubusercontent.com`. */
  rawUrl: string;
  /** Default `openai/codex`. */
  repo: string;
  /** Folder of the prompt files in the repository. Default `codex-rs/core`. */
  promptDir: string;
  /** Ask GitHub at most this often per file (failures included). Default 15 minutes. */
  checkIntervalMs: number;
  timeoutMs: number;
  /** Where prompt files are kept between runs; none: memory only. */
  cache: InstructionsCache | null;
  onEvent: (event: GithubPromptEvent) => void;
}

/** A prompt from GitHub: `fresh` when downloaded now, otherwise the cached copy. */
export interface GithubPrompt {
  text: string;
  fresh: boolean;
}

const releaseSchema = z.object({ tag_name: z.string().min(1) }).loose();

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Throws `github_fetch_failed` for a non-2xx answer, after releasing its body so the connection can be
 * reused.
 */
async function requireOk(response: Response, url: string): Promise<void> {
  if (response.ok) return;
  await response.body?.cancel();
  throw new InstructionsError("github_fetch_failed", `GitHub answered HTTP ${response.status} for ${url}`, {
    status: response.status,
  });
}

/**
 * The openai/codex prompt files: the latest release tag from the GitHub API, then
 * `{rawUrl}/{repo}/{tag}/{promptDir}/{file}` with `If-None-Match`. Cached in memory and on disk with
 * the ETag and tag (a new tag drops the ETag); asked at most every `checkIntervalMs`; single-flight
 * per file. Returns the stale cache on any failure, and `null` only when nothing is cached.
 */
export function createGithubPromptSource(options: GithubPromptSourceOptions) {
  const memory = new Map<string, CachedInstructions>();
  const nextCheck = new Map<string, number>();
  const inflight = new Map<string, Promise<GithubPrompt | null>>();
  let latestTag: { tag: string; checkedAt: number } | null = null;
  const headers = { "User-Agent": "chatgpt-max-proxy", Accept: "application/vnd.github+json" };

  async function getJson(url: string): Promise<unknown> {
    const response = await options.fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
    await requireOk(response, url);
    return response.json();
  }

  async function resolveTag(): Promise<string> {
    const t = options.now();
    if (latestTag && t - latestTag.checkedAt < options.checkIntervalMs) return latestTag.tag;
    const release = releaseSchema.parse(
      await getJson(`${options.apiUrl.replace(/\/+$/, "")}/repos/${options.repo}/releases/latest`),
    );
    latestTag = { tag: release.tag_name, checkedAt: t };
    return release.tag_name;
  }

  async function load(file: string): Promise<CachedInstructions | null> {
    const known = memory.get(file);
    if (known || !options.cache) return known ?? null;
    const cached = await options.cache.read(file);
    if (cached) memory.set(file, cached);
    return cached;
  }

  async function store(file: string, cached: CachedInstructions, textChanged: boolean): Promise<void> {
    memory.set(file, cached);
    if (!options.cache) return;
    try {
      await options.cache.write(file, cached, { textChanged });
    } catch (error) {
      const failure = new InstructionsError(
        "cache_write_failed",
        `could not cache ${file}: ${describe(error)}`,
        {
          cause: error,
        },
      );
      options.onEvent({ type: "cache_write_failed", file, error: failure });
    }
  }

  async function check(file: string, cached: CachedInstructions | null): Promise<GithubPrompt | null> {
    try {
      const tag = await resolveTag();
      const url = `${options.rawUrl.replace(/\/+$/, "")}/${options.repo}/${tag}/${options.promptDir}/${file}`;
      const request: Record<string, string> = { "User-Agent": headers["User-Agent"] };
      if (cached?.meta.etag && cached.meta.tag === tag) request["If-None-Match"] = cached.meta.etag;
      const response = await options.fetch(url, {
        headers: request,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (response.status === 304 && cached && request["If-None-Match"]) {
        await response.body?.cancel();
        await store(file, { text: cached.text, meta: { ...cached.meta, lastChecked: options.now() } }, false);
        options.onEvent({ type: "github_fetched", file, tag, status: 304 });
        return { text: cached.text, fresh: false };
      }
      await requireOk(response, url);
      const text = await response.text();
      if (text.trim() === "")
        throw new InstructionsError("github_fetch_failed", `GitHub sent an empty ${file}`);
      const meta = { etag: response.headers.get("etag"), tag, lastChecked: options.now(), url };
      await store(file, { text, meta }, true);
      options.onEvent({ type: "github_fetched", file, tag, status: 200 });
      return { text, fresh: true };
    } catch (error) {
      const failure = InstructionsError.isInstance(error)
        ? error
        : new InstructionsError(
            "github_fetch_failed",
            `could not fetch ${file} from GitHub: ${describe(error)}`,
            {
              cause: error,
            },
          );
      options.onEvent({ type: "github_failed", file, error: failure, usingCache: cached !== null });
      return cached ? { text: cached.text, fresh: false } : null;
    }
  }

  return {
    /** The prompt file's text, from GitHub or the cache; `null` when GitHub fails and nothing is cached. */
    async get(file: string): Promise<GithubPrompt | null> {
      const cached = await load(file);
      const t = options.now();
      if (cached && t - cached.meta.lastChecked < options.checkIntervalMs)
        return { text: cached.text, fresh: false };
      const running = inflight.get(file);
      if (running) return running;
      if (t < (nextCheck.get(file) ?? 0)) return cached ? { text: cached.text, fresh: false } : null;
      nextCheck.set(file, t + options.checkIntervalMs);
      const started = check(file, cached).finally(() => inflight.delete(file));
      inflight.set(file, started);
      return started;
    },
  };
}
