import { toModelEntries, toModelEntry } from "@cmp/models";
import type { Request, Router } from "express";
import type { AppContext } from "../app-context.js";
import { stripProviderPrefix } from "../client-profiles.js";
import { ApiError } from "../errors/api-error.js";

async function catalogFor(ctx: AppContext) {
  const auth = await ctx.deps.tokenManager.getAuth().catch(() => undefined);
  return ctx.deps.catalog.get(auth);
}

const profileOf = (ctx: AppContext, req: Request) =>
  ctx.profiles(req.res?.locals["pathProfile"] as string | undefined, req.get("x-cmp-profile"));

/** `GET /v1/models` (also `/models`) and `GET /v1/models/:id`, from the account's live catalog. */
export function registerModelsRoutes(router: Router, ctx: AppContext): void {
  router.get("/v1/models", async (req, res) => {
    const profile = profileOf(ctx, req);
    const entries = toModelEntries(await catalogFor(ctx), { effortVariants: profile.effortVariants });
    res.json({ object: "list", data: entries });
  });
  router.get("/v1/models/*id", async (req, res) => {
    const profile = profileOf(ctx, req);
    const raw = (req.params as { id?: string[] }).id?.join("/") ?? "";
    const id = profile.stripProviderPrefix ? stripProviderPrefix(raw) : raw;
    const catalog = await catalogFor(ctx);
    const entry = toModelEntry(catalog, id, { effortVariants: profile.effortVariants });
    if (entry === null) {
      const available = toModelEntries(catalog, { effortVariants: profile.effortVariants }).map((e) => e.id);
      throw new ApiError({
        status: 404,
        code: "model_not_found",
        param: "model",
        type: "invalid_request_error",
        message: `The model \`${raw}\` does not exist or is not available with your ChatGPT plan. Available models: ${available.join(", ")}.`,
      });
    }
    res.json(entry);
  });
}
