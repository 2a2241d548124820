import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccountAuth } from "@cmp/core";
import { type FakeUpstream, loadBundledCatalog, startFakeUpstream } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bundledCatalog } from "./bundled-catalog.js";
import { catalogCachePath } from "./catalog-cache-file.js";
import { createModelCatalog, type ModelCatalogEvent, type ModelCatalogOptions } from "./model-catalog.js";

const minute = 60_000;
const bundledSlugs = bundledCatalog.map((model) => model.slug);

/** The snapshot with one extra model, so a served catalog is told apart from the bundled one. */
function catalogWith(...extraSlugs: string[]) {
  const body = loadBundledCatalog() as { models: Record<string, unknown>[] };
  const template = body.models[0] ?? {};
  return { models: [...body.models, ...extraSlugs.map((slug) => ({ ...template, slug, priority: 100 }))] };
}

let upstream: FakeUpstream;
let cacheDir: string;
let clock: number;
let events: ModelCatalogEvent[];
let auth: AccountAuth;

beforeEach(async () => {
  upstream = await startFakeUpstream({ codex: { catalog: catalogWith("gpt-live-1") } });
  cacheDir = await mkdtemp(join(tmpdir(), "cmp-models-"));
  clock = 1_800_000_000_000;
  events = [];
  auth = await loginAs("acc_test");
});

afterEach(async () => {
  await upstream.close();
  // A background revalidation may still be writing its cache file: retry while the folder fills.
  await rm(cacheDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

async function loginAs(accountId: string): Promise<AccountAuth> {
  const tokens = await upstream.auth.issueTokens({ accountId });
  return { accessToken: tokens.access_token, accountId };
}

function catalog(overrides: Partial<ModelCatalogOptions> = {}) {
  return createModelCatalog({
    upstreamUrl: upstream.codex.baseUrl,
    clientVersion: "0.146.0",
    cacheDir,
    now: () => clock,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
}

const modelRequests = () => upstream.codex.requests.filter((request) => request.path.endsWith("/models"));
const slugs = (models: { slug: string }[]) => models.map((model) => model.slug);

describe("createModelCatalog", () => {
  it("fetches with the account's token, then revalidates with If-None-Match and reuses a 304", async () => {
    const models = catalog();
    expect(slugs(await models.get(auth))).toEqual([...bundledSlugs, "gpt-live-1"]);
    const [first] = modelRequests();
    expect(first?.query["client_version"]).toBe("0.146.0");
    expect(first?.headers["version"]).toBe("0.146.0");
    expect(first?.headers["authorization"]).toBe(`Bearer ${auth.accessToken}`);
    expect(first?.headers["chatgpt-account-id"]).toBe("acc_test");
    expect(first?.headers["if-none-match"]).toBeUndefined();
    expect(models.status("acc_test")).toMatchObject({
      source: "network",
      etag: upstream.codex.catalogEtag(),
    });

    clock += 6 * minute;
    await models.refresh(auth);
    const second = modelRequests()[1];
    expect(second?.headers["if-none-match"]).toBe(upstream.codex.catalogEtag());
    expect(events.map((event) => event.type === "fetched" && event.status)).toEqual([200, 304]);
    expect(slugs(await models.get(auth))).toContain("gpt-live-1");
    expect(models.status("acc_test").fetchedAt).toBe(clock);
  });

  it("serves the cached list at once and revalidates once in the background when stale", async () => {
    const models = catalog();
    await models.get(auth);
    clock += 2 * minute;
    await models.get(auth);
    expect(modelRequests()).toHaveLength(1);

    upstream.codex.setCatalog(catalogWith("gpt-live-2"));
    clock += 4 * minute;
    const served = await Promise.all([models.get(auth), models.get(auth), models.get(auth)]);
    for (const list of served) expect(slugs(list)).toContain("gpt-live-1");
    await vi.waitFor(() => expect(models.status("acc_test").fetchedAt).toBe(clock));
    expect(modelRequests()).toHaveLength(2);
    expect(slugs(await models.get(auth))).toContain("gpt-live-2");
    expect(modelRequests()).toHaveLength(2);
  });

  it("shares one catalog per account through a key-value cache (several replicas): the second process does not fetch", async () => {
    const shared = new Map<string, unknown>();
    const cache = {
      get: async (key: string) => shared.get(key),
      set: async (key: string, value: unknown) => shared.set(key, structuredClone(value)),
    };
    const first = catalog({ cacheDir: undefined, cache });
    expect(slugs(await first.get(auth))).toContain("gpt-live-1");
    await vi.waitFor(() => expect(shared.size).toBe(1));
    expect([...shared.keys()]).toEqual(["account.acc_test"]);

    const second = catalog({ cacheDir: undefined, cache });
    expect(slugs(await second.get(auth))).toContain("gpt-live-1");
    expect(second.status("acc_test").source).toBe("cache");
    expect(modelRequests()).toHaveLength(1);

    // Another account's entry, or a value that is not a catalog, is no cache.
    shared.set("account.acc_test", { version: 1, accountId: "acc_other", models: [] });
    const third = catalog({ cacheDir: undefined, cache });
    expect(slugs(await third.get(auth))).toContain("gpt-live-1");
    expect(modelRequests()).toHaveLength(2);
  });

  it("hands out the same frozen list until it changes, so callers can memoise on it", async () => {
    const models = catalog();
    const first = await models.get(auth);
    expect(await models.get(auth)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    clock += 6 * minute;
    await models.refresh(auth);
    expect(await models.get(auth)).toBe(first);
    upstream.codex.setCatalog(catalogWith("gpt-live-2"));
    await models.refresh(auth);
    expect(await models.get(auth)).not.toBe(first);
    expect(await models.get()).toBe(await models.get());
  });

  it("starts offline from the bundled snapshot", async () => {
    const noLogin = catalog();
    expect(slugs(await noLogin.get())).toEqual(bundledSlugs);
    const loggedOut = catalog({
      auth: {
        getAuth: () => Promise.reject(new Error("not logged in")),
      },
    });
    expect(slugs(await loggedOut.get())).toEqual(bundledSlugs);
    expect(modelRequests()).toHaveLength(0);

    await upstream.close();
    const offline = catalog();
    expect(slugs(await offline.get(auth))).toEqual(bundledSlugs);
    expect(offline.status("acc_test").source).toBe("bundled");
    expect(offline.lastError?.code).toBe("catalog_fetch_failed");
    expect(events).toMatchObject([{ type: "fetch_failed", accountId: "acc_test", serving: "bundled" }]);
  });

  it("falls back to the cache when a fetch fails, and never leaks the token", async () => {
    await catalog().get(auth);
    clock += 10 * minute;
    const restarted = catalog();
    const stale = { ...auth, accessToken: `${auth.accessToken}x` };
    expect(slugs(await restarted.get(stale))).toContain("gpt-live-1");
    await vi.waitFor(() => expect(restarted.lastError).not.toBeNull());
    expect(restarted.lastError?.status).toBe(401);
    expect(restarted.status("acc_test")).toMatchObject({ source: "cache" });
    const reported = JSON.stringify(events, (_key, value) =>
      value instanceof Error ? { message: value.message, stack: value.stack } : value,
    );
    expect(reported).toContain("fetch_failed");
    expect(reported).not.toContain(auth.accessToken);
    expect(restarted.lastError?.message).not.toContain(auth.accessToken);

    clock += 30_000;
    await restarted.get(stale);
    expect(modelRequests()).toHaveLength(2);
  });

  it("refreshes when a response carries a changed x-models-etag", async () => {
    const models = catalog();
    await models.get(auth);
    await models.noteModelsEtag(upstream.codex.catalogEtag(), auth);
    expect(modelRequests()).toHaveLength(1);

    upstream.codex.setCatalog(catalogWith("gpt-live-3"));
    const response = await fetch(`${upstream.codex.baseUrl}/responses`, { method: "POST" });
    await response.body?.cancel();
    await models.noteModelsEtag(response.headers.get("x-models-etag"), auth);
    expect(modelRequests()).toHaveLength(2);
    expect(slugs(await models.get(auth))).toContain("gpt-live-3");

    await models.noteModelsEtag(response.headers.get("x-models-etag"), auth);
    expect(modelRequests()).toHaveLength(2);
  });

  it("keeps one cache per account, 0600, and serves each its own list after a restart offline", async () => {
    const other = await loginAs("acc_other");
    const models = catalog();
    await models.get(auth);
    upstream.codex.setCatalog(catalogWith("gpt-other-only"));
    await models.get(other);
    expect(slugs(await models.get(auth))).not.toContain("gpt-other-only");
    expect(slugs(await models.get(other))).toContain("gpt-other-only");

    const files = (await readdir(cacheDir)).sort();
    expect(files).toEqual(["models-acc_other.json", "models-acc_test.json"]);
    for (const file of files) expect((await stat(join(cacheDir, file))).mode & 0o777).toBe(0o600);

    await upstream.close();
    clock += 60 * minute;
    const restarted = catalog();
    expect(slugs(await restarted.get(auth))).toContain("gpt-live-1");
    expect(slugs(await restarted.get(auth))).not.toContain("gpt-other-only");
    expect(slugs(await restarted.get(other))).toContain("gpt-other-only");
  });

  it("serves a login that names no account: no ChatGPT-Account-ID, its own cache file", async () => {
    const seen: Headers[] = [];
    const fetchBody: typeof fetch = async (_url, init) => {
      seen.push(new Headers(init?.headers));
      return Response.json({ models: [{ slug: "solo-model" }] }, { headers: { etag: '"s1"' } });
    };
    const accountless: AccountAuth = { accessToken: "tok-solo", accountId: null };
    const models = catalog({ fetch: fetchBody });
    expect(slugs(await models.get(accountless))).toEqual(["solo-model"]);
    expect(seen[0]?.get("authorization")).toBe("Bearer tok-solo");
    expect(seen[0]?.has("chatgpt-account-id")).toBe(false);
    expect(models.status(null)).toMatchObject({ source: "network", etag: '"s1"' });
    expect(models.status()).toMatchObject({ source: "bundled" });
    expect(events).toMatchObject([{ type: "fetched", accountId: null, status: 200 }]);
    expect(await readdir(cacheDir)).toEqual(["models.json"]);

    const offline: typeof fetch = async () => {
      throw new Error("offline");
    };
    expect(slugs(await catalog({ fetch: offline }).get(accountless))).toEqual(["solo-model"]);
  });

  it("ignores a corrupt cache file or one written for another account", async () => {
    await writeFile(catalogCachePath(cacheDir, "acc_test"), "{not json");
    expect(slugs(await catalog().get(auth))).toContain("gpt-live-1");

    const copied = JSON.parse(await readFile(catalogCachePath(cacheDir, "acc_test"), "utf8")) as object;
    await writeFile(
      catalogCachePath(cacheDir, "acc_x"),
      JSON.stringify({ ...copied, accountId: "acc_test" }),
    );
    await upstream.close();
    expect(
      slugs(await catalog().get(await Promise.resolve({ accessToken: "t", accountId: "acc_x" }))),
    ).toEqual(bundledSlugs);
  });

  it("skips catalog entries that fail to parse, and rejects a catalog with none", async () => {
    let body: unknown = { models: [{ slug: "ok-model" }, { slug: 42 }, { nothing: true }] };
    const fetchBody: typeof fetch = async () => Response.json(body, { headers: { etag: '"e1"' } });
    const models = catalog({ fetch: fetchBody });
    expect(slugs(await models.get(auth))).toEqual(["ok-model"]);
    expect(events).toMatchObject([{ type: "fetched", status: 200, models: 1, skipped: 2 }]);

    body = { models: [{ slug: 42 }] };
    const fresh = catalog({ fetch: fetchBody, cacheDir: undefined });
    expect(slugs(await fresh.get(auth))).toEqual(bundledSlugs);
    expect(fresh.lastError?.message).toContain("no usable models");
  });
});
