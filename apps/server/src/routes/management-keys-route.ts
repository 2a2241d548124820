import { sendJson } from "@cmp/core";
import { type ApiKeyList, budgetPeriodSchema, type CreatedApiKey } from "@cmp/protocol";
import { OpenAIHttpError } from "@cmp/transform";
import { z } from "zod";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";
import { readJsonBody } from "../http/read-json-body.js";
import { ApiKeyError } from "../ops/api-key-error.js";
import { describeApiKey } from "../ops/key-info.js";

/** The body of `POST /v1/management/keys`. */
const createKeySchema = z.strictObject({
  name: z.string(),
  budget_tokens: z.number().int().positive().nullish(),
  per: budgetPeriodSchema.nullish(),
  rpm: z.number().int().positive().nullish(),
  models: z.array(z.string()).nullish(),
  admin: z.boolean().optional(),
});

/** An `ApiKeyError` as the HTTP answer it stands for (400, 404, 409); other errors pass. */
function toHttp(error: unknown): unknown {
  if (!ApiKeyError.isInstance(error)) return error;
  const status = error.code === "key_exists" ? 409 : error.code === "key_not_found" ? 404 : 400;
  return new OpenAIHttpError({ status, code: error.code, message: error.message, cause: error });
}

/** `GET /v1/management/keys` (admin): every named key with its limits, last use and usage this period. */
export async function handleListKeys(app: AppContext, http: HttpContext): Promise<void> {
  const now = app.now();
  // This replica's usage still gathered in memory counts too.
  const [keys] = await Promise.all([app.ops.registry.list(), app.ops.flush()]);
  const body: ApiKeyList = {
    object: "list",
    data: await Promise.all(keys.map((key) => describeApiKey(app.ops.store, key, now))),
  };
  sendJson(http.res, 200, body);
}

/**
 * `POST /v1/management/keys` (admin): `{ name, budget_tokens?, per?, rpm?, models?, admin? }` → 201 with
 * the key, shown this once (only its hash is stored).
 */
export async function handleCreateKey(app: AppContext, http: HttpContext): Promise<void> {
  const parsed = createKeySchema.safeParse(await readJsonBody(http.req, app.config.bodyLimitBytes));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OpenAIHttpError({
      status: 400,
      code: "invalid_key_settings",
      param: issue?.path.join(".") || null,
      message: `Invalid key settings: ${issue?.message ?? "invalid body"}. Send { name, budget_tokens?, per?: "day"|"week"|"month", rpm?, models?: [..], admin? }.`,
    });
  }
  const settings = parsed.data;
  try {
    const { key, stored } = await app.ops.registry.create({
      name: settings.name,
      budgetTokens: settings.budget_tokens ?? null,
      per: settings.per ?? null,
      rpm: settings.rpm ?? null,
      models: settings.models ?? null,
      admin: settings.admin ?? false,
    });
    app.ops.directory.invalidate();
    const body: CreatedApiKey = { key, info: await describeApiKey(app.ops.store, stored, app.now()) };
    sendJson(http.res, 201, body);
  } catch (error) {
    throw toHttp(error);
  }
}

/** `DELETE /v1/management/keys/:name` (admin): revokes the key; every replica refuses it within a second. */
export async function handleRevokeKey(app: AppContext, http: HttpContext): Promise<void> {
  const encoded = http.path.slice("/v1/management/keys/".length);
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    name = encoded;
  }
  try {
    await app.ops.registry.revoke(name);
  } catch (error) {
    throw toHttp(error);
  }
  app.ops.directory.invalidate();
  sendJson(http.res, 200, { object: "api_key.deleted", name, deleted: true });
}
