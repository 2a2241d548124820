import { OpenAIHttpError } from "@cmp/transform";
import { CLIENT_PROFILE_NAMES, type ClientProfileName } from "./config.js";

/** What the active client profiles change for one request. */
export interface ProfileSettings {
  /** Letta: `openai-proxy/gpt-5.5` → `gpt-5.5`. */
  stripProviderPrefix: boolean;
  /** Letta: `tool_choice: "required"` when tools are present and the client left the choice to the model. */
  forceToolChoiceRequired: boolean;
  /** Open WebUI: list `slug-effort` ids in `/v1/models`. */
  effortVariants: boolean;
  /** Open WebUI: send its background tasks (titles, tags, follow-ups) to `CMP_BACKGROUND_MODEL`. */
  backgroundTasks: boolean;
}

const NONE: ProfileSettings = {
  stripProviderPrefix: false,
  forceToolChoiceRequired: false,
  effortVariants: false,
  backgroundTasks: false,
};

const EFFECTS: Record<ClientProfileName, Partial<ProfileSettings>> = {
  letta: { stripProviderPrefix: true, forceToolChoiceRequired: true },
  openwebui: { effortVariants: true, backgroundTasks: true },
};

function parseNames(value: string, source: string): ClientProfileName[] {
  const names: ClientProfileName[] = [];
  for (const raw of value.split(",")) {
    const name = raw.trim().toLowerCase().replace(/[-_ ]/g, "");
    if (name === "" || name === "default" || name === "none") continue;
    if (!(CLIENT_PROFILE_NAMES as readonly string[]).includes(name)) {
      throw new OpenAIHttpError({
        status: 400,
        code: "unknown_client_profile",
        param: source,
        message: `Unknown client profile "${raw.trim()}" in ${source}. Known profiles: ${CLIENT_PROFILE_NAMES.join(", ")}.`,
      });
    }
    names.push(name as ClientProfileName);
  }
  return names;
}

/**
 * Resolves the profiles of one request: the server-wide `CMP_CLIENT_PROFILE`, plus a `/profile/<name>`
 * path prefix or an `x-cmp-profile` header. Throws a 400 for an unknown name.
 */
export function createProfileResolver(defaults: ClientProfileName[]) {
  const base = combine(defaults);
  const cache = new Map<string, ProfileSettings>();
  return (pathProfile: string | undefined, header: string | undefined): ProfileSettings => {
    if (pathProfile === undefined && header === undefined) return base;
    const key = `${pathProfile ?? ""}|${header ?? ""}`;
    let settings = cache.get(key);
    if (settings === undefined) {
      settings = combine([
        ...defaults,
        ...(pathProfile ? parseNames(pathProfile, "path") : []),
        ...(header ? parseNames(header, "x-cmp-profile") : []),
      ]);
      if (cache.size < 64) cache.set(key, settings);
    }
    return settings;
  };
}

function combine(names: ClientProfileName[]): ProfileSettings {
  const settings = { ...NONE };
  for (const name of names) Object.assign(settings, EFFECTS[name]);
  return settings;
}

/** `openai-proxy/gpt-5.5` → `gpt-5.5` (only the last path segment is the model id). */
export function stripProviderPrefix(model: string): string {
  const slash = model.lastIndexOf("/");
  return slash === -1 ? model : model.slice(slash + 1);
}

/** True for Open WebUI's background task prompts (title, tags, follow-ups, query generation). */
export function isBackgroundTaskPrompt(text: string): boolean {
  return text.trimStart().startsWith("### Task:");
}
