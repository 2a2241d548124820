import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";

const catalogSchema = z.object({
  models: z.array(
    z.object({
      slug: z.string(),
      supported_reasoning_levels: z.array(z.object({ effort: z.string() })).nullish(),
      service_tiers: z.array(z.object({ id: z.string() })).nullish(),
      minimal_client_version: z.string().nullish().catch(null),
      use_responses_lite: z.boolean().nullish().catch(null),
      supports_reasoning_summary_parameter: z.boolean().nullish().catch(null),
      supports_reasoning_summaries: z.boolean().nullish().catch(null),
    }),
  ),
});

/** What the fake backend needs to know about one catalog model. */
export interface CatalogModelRules {
  slug: string;
  efforts: string[];
  serviceTiers: string[];
  /** `minimal_client_version`: older `client_version` / `version` values are refused. */
  minimalClientVersion: string | null;
  /** `use_responses_lite`: only these models accept the responses-lite header. */
  useResponsesLite: boolean;
  /** Whether `reasoning.summary` is accepted (`supports_reasoning_summary_parameter`, else the old field). */
  acceptsReasoningSummary: boolean;
}

/** A catalog as served by `GET /models`: the exact body text, its ETag and the parsed rules. */
export interface ServedCatalog {
  text: string;
  etag: string;
  models: CatalogModelRules[];
}

/** Reads the bundled `/models` snapshot (CLIProxyAPI, 2026-08) that ships with this package. */
export function loadBundledCatalogText(): string {
  return readFileSync(new URL("../assets/codex-models-catalog.json", import.meta.url), "utf8");
}

/** The bundled `/models` snapshot, parsed (`{ models: [...] }`). */
export function loadBundledCatalog(): unknown {
  return JSON.parse(loadBundledCatalogText()) as unknown;
}

/** Builds the served form of a catalog (object or JSON text). The ETag defaults to a hash of the text. */
export function createServedCatalog(catalog: unknown, etag?: string): ServedCatalog {
  const text = typeof catalog === "string" ? catalog : JSON.stringify(catalog);
  const parsed = catalogSchema.parse(JSON.parse(text));
  return {
    text,
    etag: etag ?? `"${createHash("sha256").update(text).digest("hex").slice(0, 24)}"`,
    models: parsed.models.map((m) => ({
      slug: m.slug,
      efforts: (m.supported_reasoning_levels ?? []).map((l) => l.effort),
      serviceTiers: (m.service_tiers ?? []).map((t) => t.id),
      minimalClientVersion: m.minimal_client_version ?? null,
      useResponsesLite: m.use_responses_lite === true,
      acceptsReasoningSummary:
        m.supports_reasoning_summary_parameter ?? m.supports_reasoning_summaries ?? true,
    })),
  };
}
