import { describe, expect, it } from "vitest";
import { bundledCatalog } from "./bundled-catalog.js";
import type { CatalogModel } from "./catalog-model-schema.js";
import { ModelNotFoundError } from "./model-not-found-error.js";
import { resolveModel } from "./resolve-model.js";
import { resolveCases } from "./testing/resolve-model-cases.js";

const catalogWithout = (slugs: string[] = []) =>
  bundledCatalog.filter((model) => !slugs.includes(model.slug));
const snapshotModel = (slug: string): CatalogModel => {
  const model = bundledCatalog.find((candidate) => candidate.slug === slug);
  if (!model) throw new Error(`no ${slug} in the snapshot`);
  return model;
};

describe("resolveModel name forms", () => {
  it.each(
    resolveCases.map((testCase) => [
      `${JSON.stringify(testCase.request)}${testCase.without ? ` without ${testCase.without}` : ""}`,
      testCase,
    ]),
  )("%s", (_title, testCase) => {
    const options = { catalog: catalogWithout(testCase.without), aliases: testCase.aliases };
    const { expected } = testCase;
    if ("error" in expected) {
      expect(() => resolveModel(testCase.request, options)).toThrow(ModelNotFoundError);
      return;
    }
    const resolved = resolveModel(testCase.request, options);
    expect({ slug: resolved.slug, effort: resolved.effort, warnings: resolved.warnings }).toEqual(expected);
    expect(resolved.model.slug).toBe(resolved.slug);
  });
});

describe("resolveModel errors", () => {
  it("lists the available (listed) ids in a ModelNotFoundError", () => {
    let error: unknown;
    try {
      resolveModel({ model: "gpt-9" }, { catalog: bundledCatalog });
    } catch (caught) {
      error = caught;
    }
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    const notFound = error as ModelNotFoundError;
    expect(notFound.code).toBe("model_not_found");
    expect(notFound.available).toEqual([
      "gpt-5.6-sol",
      "gpt-5.6-terra",
      "gpt-5.6-luna",
      "gpt-5.5",
      "gpt-5.4",
      "gpt-5.4-mini",
      "gpt-5.3-codex-spark",
    ]);
    expect(notFound.message).toContain('"gpt-9"');
    expect(notFound.message).toContain("gpt-5.6-sol, gpt-5.6-terra");
  });

  it("maps a legacy name to the catalog's first model when none of its families is left", () => {
    const onlySpark = [snapshotModel("gpt-5.3-codex-spark")];
    const resolved = resolveModel({ model: "gpt-4o-mini" }, { catalog: onlySpark });
    expect(resolved.slug).toBe("gpt-5.3-codex-spark");
  });

  it("prefers a slug the catalog lists over the legacy table", () => {
    const revived = { ...snapshotModel("gpt-5.5"), slug: "gpt-5-codex" };
    const resolved = resolveModel({ model: "gpt-5-codex-high" }, { catalog: [...bundledCatalog, revived] });
    expect(resolved).toMatchObject({ slug: "gpt-5-codex", effort: "high", warnings: [] });
  });

  it("ignores an effort string no model knows and uses the default", () => {
    const resolved = resolveModel(
      { model: "gpt-5.5", reasoningEffort: "turbo" },
      { catalog: bundledCatalog },
    );
    expect(resolved.effort).toBe("medium");
    expect(resolved.warnings).toEqual(['reasoning effort "turbo" is not recognised; ignoring it']);
  });

  it("accepts an effort only the current catalog knows", () => {
    const model = {
      ...snapshotModel("gpt-5.5"),
      slug: "gpt-6",
      supported_reasoning_levels: [{ effort: "low" }, { effort: "galaxy" }],
    };
    const resolved = resolveModel({ model: "gpt-6-galaxy" }, { catalog: [model] });
    expect(resolved).toMatchObject({ slug: "gpt-6", effort: "galaxy", warnings: [] });
  });

  it("sends no effort to a model that lists none, and says so when one was asked for", () => {
    const model = { slug: "plain", supported_reasoning_levels: [] } satisfies CatalogModel;
    expect(resolveModel({ model: "plain" }, { catalog: [model] })).toMatchObject({
      effort: null,
      summary: "none",
    });
    const asked = resolveModel({ model: "plain", reasoningEffort: "high" }, { catalog: [model] });
    expect(asked.effort).toBeNull();
    expect(asked.warnings).toEqual(['model "plain" takes no reasoning effort; ignoring "high"']);
  });
});

describe("resolveModel warnings", () => {
  it("keep client text printable and short, since they become a response header", () => {
    const resolved = resolveModel(
      { model: "gpt-5.5", reasoningEffort: `turbo\r\nx-evil: 1 ${"z".repeat(100)}` },
      { catalog: bundledCatalog, aliases: {} },
    );
    const [warning] = resolved.warnings;
    expect(warning).toMatch(
      /^reasoning effort "turbo\?\?x-evil: 1 z+\.\.\." is not recognised; ignoring it$/,
    );
    expect(warning?.length).toBeLessThanOrEqual(130);
  });
});

describe("resolveModel parameters", () => {
  const spark = snapshotModel("gpt-5.3-codex-spark");
  const noSummaries: CatalogModel = { ...spark, slug: "quiet", supports_reasoning_summaries: false };
  const noVerbosity: CatalogModel = { ...spark, slug: "terse", support_verbosity: false };

  it("uses auto summaries where supported, none otherwise", () => {
    expect(resolveModel({ model: "gpt-5.5" }, { catalog: bundledCatalog }).summary).toBe("auto");
    expect(resolveModel({ model: "quiet" }, { catalog: [noSummaries] }).summary).toBe("none");
  });

  it("sends summaries only where supports_reasoning_summary_parameter is true", () => {
    // The snapshot's spark still says `supports_reasoning_summaries: true`; the new field wins.
    expect(spark.supports_reasoning_summaries).toBe(true);
    expect(spark.supports_reasoning_summary_parameter).toBe(false);
    expect(resolveModel({ model: spark.slug }, { catalog: bundledCatalog }).summary).toBe("none");
    const asked = resolveModel(
      { model: spark.slug, reasoningSummary: "detailed" },
      { catalog: bundledCatalog },
    );
    expect(asked.summary).toBe("none");
    expect(asked.warnings).toEqual([`reasoning summaries are not available for "${spark.slug}"; dropped`]);
  });

  it("falls back to supports_reasoning_summaries only when the new field is absent", () => {
    const { supports_reasoning_summary_parameter: _new, ...older } = spark;
    const legacy: CatalogModel = { ...older, slug: "older" };
    expect(resolveModel({ model: "older" }, { catalog: [legacy] }).summary).toBe("auto");
    const off: CatalogModel = { ...legacy, slug: "older-off", supports_reasoning_summaries: false };
    expect(resolveModel({ model: "older-off" }, { catalog: [off] }).summary).toBe("none");
  });

  it("asks responses-lite models for reasoning.context all_turns", () => {
    expect(resolveModel({ model: "gpt-5.6-sol" }, { catalog: bundledCatalog }).reasoningContext).toBe(
      "all_turns",
    );
    expect(resolveModel({ model: "gpt-5.5" }, { catalog: bundledCatalog }).reasoningContext).toBeNull();
    const plain = { slug: "lite-plain", use_responses_lite: true, supported_reasoning_levels: [] };
    expect(resolveModel({ model: "lite-plain" }, { catalog: [plain] }).reasoningContext).toBeNull();
  });

  it("lets the configuration and then the request choose the summary mode", () => {
    const catalog = [...bundledCatalog, noSummaries];
    expect(resolveModel({ model: "gpt-5.5" }, { catalog, summary: "detailed" }).summary).toBe("detailed");
    expect(resolveModel({ model: "gpt-5.5" }, { catalog, summary: "none" }).summary).toBe("none");
    expect(
      resolveModel({ model: "gpt-5.5", reasoningSummary: "concise" }, { catalog, summary: "detailed" })
        .summary,
    ).toBe("concise");
    const dropped = resolveModel({ model: "quiet", reasoningSummary: "detailed" }, { catalog });
    expect(dropped.summary).toBe("none");
    expect(dropped.warnings).toEqual(['reasoning summaries are not available for "quiet"; dropped']);
  });

  it("takes the request's verbosity where supported, else the model default or none", () => {
    const catalog = [...bundledCatalog, noVerbosity];
    expect(resolveModel({ model: "gpt-5.5" }, { catalog }).verbosity).toBe("low");
    expect(resolveModel({ model: "gpt-5.4-mini" }, { catalog }).verbosity).toBe("medium");
    expect(resolveModel({ model: "gpt-5.5", verbosity: "HIGH" }, { catalog }).verbosity).toBe("high");
    const unsupported = resolveModel({ model: "terse", verbosity: "high" }, { catalog });
    expect(unsupported.verbosity).toBeNull();
    expect(unsupported.warnings).toEqual(['verbosity is not supported by "terse"; ignoring "high"']);
    expect(resolveModel({ model: "terse" }, { catalog }).verbosity).toBeNull();
    const invalid = resolveModel({ model: "gpt-5.5", verbosity: "loud" }, { catalog });
    expect(invalid.verbosity).toBe("low");
    expect(invalid.warnings).toEqual(['verbosity "loud" is not one of low, medium, high; ignoring it']);
  });

  it("sends the priority tier only when asked for and offered", () => {
    const catalog = bundledCatalog;
    expect(resolveModel({ model: "gpt-5.5" }, { catalog }).serviceTier).toBeNull();
    expect(resolveModel({ model: "gpt-5.5", serviceTier: "priority" }, { catalog })).toMatchObject({
      serviceTier: "priority",
      warnings: [],
    });
    expect(resolveModel({ model: "gpt-5.5", serviceTier: "fast" }, { catalog }).serviceTier).toBe("priority");
    expect(resolveModel({ model: "gpt-5.5", serviceTier: "auto" }, { catalog })).toMatchObject({
      serviceTier: null,
      warnings: [],
    });
    expect(resolveModel({ model: "gpt-5.4-mini", serviceTier: "priority" }, { catalog })).toMatchObject({
      serviceTier: null,
      warnings: ['service tier "priority" is not available for "gpt-5.4-mini"; dropped'],
    });
    expect(resolveModel({ model: "gpt-5.5", serviceTier: "flex" }, { catalog })).toMatchObject({
      serviceTier: null,
      warnings: ['service tier "flex" is not offered by the ChatGPT backend; dropped'],
    });
  });
});
