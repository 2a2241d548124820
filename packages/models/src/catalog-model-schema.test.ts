import { describe, expect, it } from "vitest";
import { parseCatalogModels } from "./catalog-model-schema.js";

describe("parseCatalogModels", () => {
  it("skips an entry that fails to parse instead of rejecting the catalog", () => {
    const parsed = parseCatalogModels({
      models: [{ slug: "good" }, { display_name: "no slug" }, "junk", { slug: "also-good", priority: 2 }],
    });
    expect(parsed.models.map((model) => model.slug)).toEqual(["good", "also-good"]);
    expect(parsed.skipped).toBe(2);
  });

  it("keeps unknown fields and reads a wrongly typed known field as null", () => {
    const parsed = parseCatalogModels({
      etag: "body-etag",
      models: [
        { slug: "m", brand_new_field: { a: 1 }, context_window: "big", supports_reasoning_summaries: true },
      ],
    });
    const [model] = parsed.models;
    expect(model).toMatchObject({ slug: "m", brand_new_field: { a: 1 }, context_window: null });
    expect(model?.supports_reasoning_summaries).toBe(true);
    expect(parsed.etag).toBe("body-etag");
  });

  it("reads the December 2026 fields, and a wrongly typed one as null", () => {
    const [lite, odd] = parseCatalogModels({
      models: [
        {
          slug: "lite",
          supports_reasoning_summary_parameter: false,
          use_responses_lite: true,
          prefer_websockets: true,
          minimal_client_version: "0.144.0",
        },
        { slug: "odd", supports_reasoning_summary_parameter: "yes", use_responses_lite: 1 },
      ],
    }).models;
    expect(lite).toMatchObject({
      supports_reasoning_summary_parameter: false,
      use_responses_lite: true,
      prefer_websockets: true,
      minimal_client_version: "0.144.0",
    });
    expect(odd?.supports_reasoning_summary_parameter).toBeNull();
    expect(odd?.use_responses_lite).toBeNull();
  });

  it("drops malformed reasoning levels and service tiers one by one", () => {
    const [model] = parseCatalogModels({
      models: [
        {
          slug: "m",
          supported_reasoning_levels: [{ effort: "low" }, { nope: true }, { effort: "high", description: 3 }],
          service_tiers: [{ id: "priority" }, 7],
        },
      ],
    }).models;
    expect(model?.supported_reasoning_levels?.map((level) => level.effort)).toEqual(["low", "high"]);
    expect(model?.service_tiers?.map((tier) => tier.id)).toEqual(["priority"]);
  });

  it("rejects a body without a models array", () => {
    expect(() => parseCatalogModels({ data: [] })).toThrow();
  });
});
