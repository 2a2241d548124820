import { createHash } from "node:crypto";
import { sendJson } from "@cmp/core";
import { type CatalogModel, ModelNotFoundError, toModelEntries } from "@cmp/models";
import { createInvalidRequestError } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";
import { ollamaModelNotFound } from "./ollama-chat-route.js";
import { readOllamaModelName } from "./ollama-model-name.js";

/**
 * The Ollama API level these routes answer as (`GET /api/version`): the version whose `/api/chat`
 * (think levels, tool call ids, `tool_name`) and `/api/show` (`capabilities`) they follow.
 */
export const OLLAMA_API_VERSION = "0.12.0";

/** `details` of an Ollama model: the format is `api` (no local weights), the family the slug's first word. */
interface OllamaModelDetails {
  parent_model: string;
  format: string;
  family: string;
  families: string[];
  parameter_size: string;
  quantization_level: string;
}

async function catalogFor(app: AppContext): Promise<readonly CatalogModel[]> {
  const auth = await app.deps.tokenManager.getAuth().catch(() => undefined);
  return app.deps.catalog.get(auth);
}

/** `gpt-5.4` → `gpt`, `codex-auto-review` → `codex`. */
function familyOf(slug: string): string {
  return /^[a-z]+/i.exec(slug)?.[0]?.toLowerCase() ?? "gpt";
}

function detailsOf(slug: string): OllamaModelDetails {
  const family = familyOf(slug);
  return {
    parent_model: "",
    format: "api",
    family,
    families: [family],
    parameter_size: "",
    quantization_level: "",
  };
}

/** A stable digest per name (Ollama clients key caches on it); there are no weights to hash. */
function digestOf(name: string): string {
  return createHash("sha256").update(`cmp:${name}`).digest("hex");
}

/** `/v1/models`' stable `created` (from the catalog priority) as Ollama's `modified_at`. */
function modifiedAt(created: number): string {
  return new Date(created * 1000).toISOString();
}

/**
 * `GET /api/tags` (also `HEAD`): the account's catalog as Ollama's local models, `name:latest` each;
 * with a client profile that lists effort variants (`openwebui`), also `name:<effort>` for every
 * reasoning effort (the tag is read back as the effort).
 */
export async function handleOllamaTags(app: AppContext, http: HttpContext): Promise<void> {
  const profile = app.profiles(http.pathProfile, http.header("x-cmp-profile"));
  const entries = toModelEntries(await catalogFor(app), { effortVariants: profile.effortVariants });
  const models = entries.map((entry) => {
    const slug = entry.parent ?? entry.id;
    const name = entry.parent
      ? `${entry.parent}:${entry.default_reasoning_effort ?? "latest"}`
      : `${entry.id}:latest`;
    return {
      name,
      model: name,
      modified_at: modifiedAt(entry.created),
      size: 0,
      digest: digestOf(name),
      details: detailsOf(slug),
    };
  });
  sendJson(http.res, 200, { models });
}

/**
 * `POST /api/show`: one model's details, `model_info` with `<family>.context_length` (the catalog's
 * context window) and `capabilities` (`completion`, `tools`, `thinking` for models with reasoning
 * efforts, `vision` for image input). Unknown names answer Ollama's 404 `model '<name>' not found`.
 */
export async function handleOllamaShow(app: AppContext, http: HttpContext): Promise<void> {
  const body = http.body as Record<string, unknown>;
  // `name` is the field's older spelling, still sent by some clients.
  const requested = typeof body["model"] === "string" && body["model"] !== "" ? body["model"] : body["name"];
  if (typeof requested !== "string" || requested.trim() === "") {
    throw createInvalidRequestError("model is required", "model", "invalid_value");
  }
  const name = readOllamaModelName(requested, app.config.modelAliases);
  const catalog = await catalogFor(app);
  let model: CatalogModel;
  try {
    model = app.resolveModel({ model: name.model }, catalog).model;
  } catch (error) {
    throw ModelNotFoundError.isInstance(error) ? ollamaModelNotFound(requested) : error;
  }
  const details = detailsOf(model.slug);
  const efforts = model.supported_reasoning_levels ?? [];
  const context = model.context_window;
  const capabilities = [
    "completion",
    "tools",
    ...(efforts.length > 0 ? ["thinking"] : []),
    ...((model.input_modalities ?? ["text"]).includes("image") ? ["vision"] : []),
  ];
  const entry = toModelEntries([model])[0];
  sendJson(http.res, 200, {
    license: "",
    modelfile: `# ${model.display_name ?? model.slug}, served by the ChatGPT backend through ChatGPT Max Proxy\nFROM ${model.slug}\n`,
    parameters: typeof context === "number" ? `num_ctx ${context}` : "",
    template: "",
    system: "",
    details,
    model_info: {
      "general.architecture": details.family,
      "general.basename": model.slug,
      ...(typeof context === "number" ? { [`${details.family}.context_length`]: context } : {}),
    },
    capabilities,
    modified_at: modifiedAt(entry?.created ?? 0),
  });
}

/** `GET /api/ps`: no model is ever loaded here. */
export function handleOllamaPs(_app: AppContext, http: HttpContext): void {
  sendJson(http.res, 200, { models: [] });
}

/** `GET /api/version` (also `HEAD`): the Ollama API level answered ({@link OLLAMA_API_VERSION}). */
export function handleOllamaVersion(_app: AppContext, http: HttpContext): void {
  sendJson(http.res, 200, { version: OLLAMA_API_VERSION });
}
