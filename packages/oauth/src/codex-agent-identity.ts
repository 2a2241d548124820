import { readFile } from "node:fs/promises";
import { OAuthError } from "./oauth-errors.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * True when a Codex `auth.json` text holds an agent identity: a top-level `agent_identity` (the Codex
 * CLI then signs its requests with `Authorization: AgentAssertion …` instead of a bearer token), or an
 * `auth_mode` that says so. Unreadable or non-JSON text is not one (the login reader reports that).
 */
export function holdsAgentIdentity(text: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isObject(json)) return false;
  const identity = json["agent_identity"];
  const mode = json["auth_mode"];
  return (
    (identity !== undefined && identity !== null) ||
    (typeof mode === "string" && /agent[_-]?identity|agentidentity/i.test(mode))
  );
}

/**
 * Refuses a Codex `auth.json` that holds an agent identity, with an error that says what it is and what
 * to do. Such a login has no ChatGPT OAuth tokens this proxy could use: every request would need an
 * assertion signed by the agent's key, which only the Codex CLI makes. A missing or unreadable file
 * passes (the login reader reports it).
 * @throws {OAuthError} `codex_agent_identity`
 */
export async function refuseCodexAgentIdentity(path: string): Promise<void> {
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null || !holdsAgentIdentity(text)) return;
  throw new OAuthError(
    "codex_agent_identity",
    `${path} holds a Codex agent identity (requests signed with "Authorization: AgentAssertion …"), not a ChatGPT login, so it cannot be imported. Log this proxy in with its own ChatGPT login instead: \`cmp-server login\` (browser, --device or --paste).`,
  );
}
