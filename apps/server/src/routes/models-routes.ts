import { sendJson } from "@cmp/core";
import { toModelEntries, toModelEntry } from "@cmp/models";
import { OpenAIHttpError } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { stripProviderPrefix } from "../client-profiles.js";
import { echoText } from "../errors/echo-text.js";
import { ANTHROPIC_ERROR_DIALECT } from "../http/anthropic-error-dialect.js";
import type { HttpContext } from "../http/http-context.js";
import { sendAnthropicModelList, toAnthropicModel, wantsAnthropicModels } from "./anthropic-models.js";

const MODEL_PREFIX = "/v1/models/";

async function catalogFor(app: AppContext) {
  const auth = await app.deps.tokenManager.getAuth().catch(() => undefined);
  return app.deps.catalog.get(auth);
}

const profileOf = (app: AppContext, http: HttpContext) =>
  app.profiles(http.pathProfile, http.header("x-cmp-profile"));

/** `GET /v1/models` (also `/models`): the account's live catalog in OpenAI's list shape. */
export async function handleListModels(app: AppContext, http: HttpContext): Promise<void> {
  const profile = profileOf(app, http);
  const entries = toModelEntries(await catalogFor(app), { effortVariants: profile.effortVariants });
  if (wantsAnthropicModels(http)) return sendAnthropicModelList(http, entries);
  sendJson(http.res, 200, { object: "list", data: entries });
}

/** `GET /v1/models/{id}` (ids may contain `/`, as provider-prefixed names do). */
export async function handleGetModel(app: AppContext, http: HttpContext): Promise<void> {
  const profile = profileOf(app, http);
  if (wantsAnthropicModels(http)) http.errorDialect = ANTHROPIC_ERROR_DIALECT;
  let raw: string;
  try {
    raw = decodeURIComponent(http.path.slice(MODEL_PREFIX.length));
  } catch {
    throw new OpenAIHttpError({
      status: 400,
      code: "invalid_request",
      param: "model",
      message: "The model id in the path is not valid percent-encoding.",
    });
  }
  const id = profile.stripProviderPrefix ? stripProviderPrefix(raw) : raw;
  const catalog = await catalogFor(app);
  const entry = toModelEntry(catalog, id, { effortVariants: profile.effortVariants });
  if (entry === null) {
    const available = toModelEntries(catalog, { effortVariants: profile.effortVariants }).map((e) => e.id);
    throw new OpenAIHttpError({
      status: 404,
      code: "model_not_found",
      param: "model",
      type: "invalid_request_error",
      message: `The model \`${echoText(raw)}\` does not exist or is not available with your ChatGPT plan. Available models: ${available.join(", ")}.`,
    });
  }
  sendJson(http.res, 200, wantsAnthropicModels(http) ? toAnthropicModel(entry) : entry);
}
