import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundledCatalog } from "@cmp/models";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUNDLED_CODEX_PROMPT } from "./bundled-prompt.js";
import type { GithubPromptEvent } from "./github-prompt-source.js";
import { writeInstructionsCache } from "./instructions-cache.js";
import { createInstructionsProvider, type InstructionsProviderOptions } from "./instructions-provider.js";
import {
  type FakeGithub,
  type GithubRequest,
  startFakeGithub,
  unusedLoopbackUrl,
} from "./testing/fake-github-server.js";
import { sourceCases } from "./testing/instructions-source-cases.js";

const minute = 60_000;
const codexFile = "gpt_5_codex_prompt.md";
const files = { [codexFile]: "codex prompt v1", "prompt.md": "generic prompt v1" };

let github: FakeGithub;
let cacheDir: string;
let clock: number;

beforeEach(async () => {
  github = await startFakeGithub({ tag: "rust-v1", files });
  cacheDir = await mkdtemp(join(tmpdir(), "cmp-instructions-"));
  clock = 1_800_000_000_000;
});

afterEach(async () => {
  await github.close();
  await rm(cacheDir, { recursive: true, force: true });
});

function provider(overrides: Partial<InstructionsProviderOptions> = {}) {
  return createInstructionsProvider({
    cacheDir,
    githubApiUrl: github.apiUrl,
    githubRawUrl: github.rawUrl,
    now: () => clock,
    ...overrides,
  });
}

const describeRequest = (request: GithubRequest) =>
  request.kind === "release"
    ? `release → ${request.status}`
    : `${request.file}@${request.tag}${request.ifNoneMatch ? " If-None-Match" : ""} → ${request.status}`;

describe("which source wins", () => {
  it.each(sourceCases.map((testCase) => [testCase.situation, testCase]))("%s", async (_title, testCase) => {
    if (testCase.cache) {
      await writeInstructionsCache(
        cacheDir,
        codexFile,
        {
          text: "cached codex prompt",
          meta: {
            etag: github.etagFor(testCase.cache.tag, codexFile),
            tag: testCase.cache.tag,
            lastChecked: clock - testCase.cache.checkedMinutesAgo * minute,
            url: "cached",
          },
        },
        { textChanged: true },
      );
    }
    if (testCase.github === "new-tag") github.tag = "rust-v2";
    if (testCase.github === "file-404") github.files.clear();
    if (testCase.github === "release-404") github.releaseStatus = 404;
    const down = testCase.github === "down" ? await unusedLoopbackUrl() : null;
    const instructions = provider(down ? { githubApiUrl: down, githubRawUrl: down } : {});

    const resolved = await instructions.resolveBaseInstructions(testCase.model);

    expect(resolved.source).toBe(testCase.expected.source);
    expect(github.requests.map(describeRequest)).toEqual(testCase.expected.requests);
    const expectedText = {
      catalog: testCase.model.base_instructions,
      github: files[codexFile],
      "github-cache": "cached codex prompt",
      "bundled-catalog": bundledCatalog.find((model) => model.slug === testCase.model.slug)
        ?.base_instructions,
      bundled: BUNDLED_CODEX_PROMPT,
    }[resolved.source];
    expect(resolved.text).toBe(expectedText);
    expect(await instructions.getBaseInstructions(testCase.model)).toBe(resolved.text);
  });
});

describe("GitHub prompt cache", () => {
  const model = { slug: "gpt-5-codex" };

  it("asks GitHub at most every 15 minutes and revalidates with If-None-Match", async () => {
    const instructions = provider();
    expect(await instructions.resolveBaseInstructions(model)).toEqual({
      text: "codex prompt v1",
      source: "github",
    });
    clock += 10 * minute;
    expect((await instructions.resolveBaseInstructions(model)).source).toBe("github-cache");
    expect(github.requests).toHaveLength(2);
    clock += 6 * minute;
    expect(await instructions.resolveBaseInstructions(model)).toEqual({
      text: "codex prompt v1",
      source: "github-cache",
    });
    expect(github.requests.map(describeRequest)).toEqual([
      "release → 200",
      `${codexFile}@rust-v1 → 200`,
      "release → 200",
      `${codexFile}@rust-v1 If-None-Match → 304`,
    ]);
    expect(github.requests[3]?.ifNoneMatch).toBe(github.etagFor("rust-v1", codexFile));
  });

  it("downloads again without the old ETag when the release tag changes", async () => {
    await provider().getBaseInstructions(model);
    github.tag = "rust-v2";
    github.files.set(codexFile, "codex prompt v2");
    clock += 16 * minute;
    expect(await provider().resolveBaseInstructions(model)).toEqual({
      text: "codex prompt v2",
      source: "github",
    });
    expect(github.requests.slice(2).map(describeRequest)).toEqual([
      "release → 200",
      `${codexFile}@rust-v2 → 200`,
    ]);
  });

  it("keeps the cache on disk across restarts, files 0600", async () => {
    await provider().getBaseInstructions(model);
    clock += 5 * minute;
    expect(await provider().resolveBaseInstructions(model)).toEqual({
      text: "codex prompt v1",
      source: "github-cache",
    });
    expect(github.requests).toHaveLength(2);
    const names = (await readdir(cacheDir)).sort();
    expect(names).toEqual([
      "instructions-gpt_5_codex_prompt-meta.json",
      "instructions-gpt_5_codex_prompt.md",
    ]);
    for (const name of names) expect((await stat(join(cacheDir, name))).mode & 0o777).toBe(0o600);
  });

  it("shares the prompt files through a key-value cache (several replicas ask GitHub once)", async () => {
    const shared = new Map<string, unknown>();
    const cache = {
      get: async (key: string) => shared.get(key),
      set: async (key: string, value: unknown) => shared.set(key, structuredClone(value)),
    };
    await provider({ cacheDir: undefined, cache }).getBaseInstructions(model);
    expect([...shared.keys()]).toEqual(["prompt.gpt_5_codex_prompt"]);
    clock += 5 * minute;
    expect(await provider({ cacheDir: undefined, cache }).resolveBaseInstructions(model)).toEqual({
      text: "codex prompt v1",
      source: "github-cache",
    });
    expect(github.requests).toHaveLength(2);
    expect(await readdir(cacheDir)).toEqual([]);

    shared.set("prompt.gpt_5_codex_prompt", { text: "", meta: {} });
    clock += 20 * minute;
    expect((await provider({ cacheDir: undefined, cache }).resolveBaseInstructions(model)).source).toBe(
      "github",
    );
  });

  it("waits 15 minutes after a failure before asking again, and reports it", async () => {
    github.releaseStatus = 500;
    const events: GithubPromptEvent[] = [];
    const instructions = provider({ onEvent: (event) => events.push(event) });
    expect((await instructions.resolveBaseInstructions({ slug: "gpt-7-codex" })).source).toBe("bundled");
    expect(events).toMatchObject([{ type: "github_failed", file: codexFile, usingCache: false }]);
    clock += 5 * minute;
    await instructions.getBaseInstructions({ slug: "gpt-7-codex" });
    expect(github.requests).toHaveLength(1);
    github.releaseStatus = 200;
    clock += 11 * minute;
    expect((await instructions.resolveBaseInstructions({ slug: "gpt-7-codex" })).source).toBe("github");
  });

  it("makes one download for concurrent requests", async () => {
    const instructions = provider();
    const results = await Promise.all([1, 2, 3].map(() => instructions.getBaseInstructions(model)));
    expect(results).toEqual(["codex prompt v1", "codex prompt v1", "codex prompt v1"]);
    expect(github.requests.map(describeRequest)).toEqual(["release → 200", `${codexFile}@rust-v1 → 200`]);
  });

  it("works without a cache folder", async () => {
    const instructions = provider({ cacheDir: undefined });
    expect((await instructions.resolveBaseInstructions(model)).source).toBe("github");
    expect((await instructions.resolveBaseInstructions(model)).source).toBe("github-cache");
  });
});
