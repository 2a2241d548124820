import { CmpError } from "@cmp/core";
import { describe, expect, it } from "vitest";
import { CatalogFetchError } from "./catalog-fetch-error.js";
import { ModelNotFoundError } from "./model-not-found-error.js";
import { ModelsError } from "./models-error.js";

describe("models errors", () => {
  it("are CmpErrors recognised by their own marker, not by code", () => {
    const notFound = new ModelNotFoundError("gpt-9", ["gpt-5.5"]);
    const fetchFailed = new CatalogFetchError("down", { status: 503 });
    for (const error of [notFound, fetchFailed]) {
      expect(CmpError.isInstance(error)).toBe(true);
      expect(ModelsError.isInstance(error)).toBe(true);
    }
    expect(ModelNotFoundError.isInstance(fetchFailed)).toBe(false);
    expect(CatalogFetchError.isInstance(notFound)).toBe(false);
    // A base error that merely carries the code is not a ModelNotFoundError (it has no `available`).
    expect(ModelNotFoundError.isInstance(new ModelsError("model_not_found", "x"))).toBe(false);
    const foreign = {
      [Symbol.for("cmp.error")]: true,
      [Symbol.for("cmp.error.ModelsError")]: true,
      [Symbol.for("cmp.error.ModelNotFoundError")]: true,
    };
    expect(ModelNotFoundError.isInstance(foreign)).toBe(true);
  });

  it("carry name, literal code and retryable", () => {
    expect(new ModelNotFoundError("gpt-9", [])).toMatchObject({
      name: "ModelNotFoundError",
      code: "model_not_found",
      retryable: false,
      model: "gpt-9",
      available: [],
    });
    expect(new CatalogFetchError("x", { status: 503 })).toMatchObject({
      name: "CatalogFetchError",
      code: "catalog_fetch_failed",
      status: 503,
      retryable: true,
    });
    expect(new CatalogFetchError("x", { status: 401 }).retryable).toBe(false);
    expect(new CatalogFetchError("unreachable").retryable).toBe(true);
  });
});
