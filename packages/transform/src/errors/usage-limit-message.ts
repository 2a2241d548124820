import { scrubMessage } from "./scrub-message.js";

/** What is known about a usage-limit hit, from the error body and the `x-codex-*` headers. */
export interface UsageLimitInfo {
  planType: string | null;
  /** Window length in minutes, when the headers say which window is exhausted. */
  windowMinutes: number | null;
  /** Reset time in milliseconds since the epoch, when known. */
  resetsAtMs: number | null;
  notIncluded: boolean;
  /** The per-model limit that was hit (`x-codex-active-limit`), or `null` for the account's own limit. */
  limitName: string | null;
}

const PLAN_NAMES: Record<string, string> = {
  free: "Free",
  go: "Go",
  plus: "Plus",
  pro: "Pro",
  team: "Team",
  business: "Business",
  enterprise: "Enterprise",
  edu: "Edu",
  education: "Edu",
};

/** `300` → `5-hour`, `10080` → `weekly`. */
function describeWindow(minutes: number): string {
  if (minutes === 10080) return "weekly";
  if (minutes % 1440 === 0) return `${minutes / 1440}-day`;
  if (minutes % 60 === 0) return `${minutes / 60}-hour`;
  return `${minutes}-minute`;
}

/** `93784` seconds → `1d 2h 3m`. */
function describeDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

/** ISO 8601 without milliseconds. */
function toIsoSeconds(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The user-facing sentence of a usage-limit error: plan, window and reset time. */
export function formatUsageLimitMessage(info: UsageLimitInfo, nowMs: number): string {
  const plan = info.planType
    ? `ChatGPT ${PLAN_NAMES[info.planType.toLowerCase()] ?? scrubMessage(info.planType, 40)}`
    : "ChatGPT";
  if (info.notIncluded) {
    return `Your ${plan} plan does not include Codex usage, so the ChatGPT backend refused the request.`;
  }
  const window = info.windowMinutes ? ` ${describeWindow(info.windowMinutes)}` : "";
  const limit = info.limitName ? ` for ${scrubMessage(info.limitName, 60)}` : "";
  let text = `${plan}${window} usage limit${limit} reached`;
  if (info.resetsAtMs !== null) {
    text += `; resets at ${toIsoSeconds(info.resetsAtMs)} (in ${describeDuration((info.resetsAtMs - nowMs) / 1000)})`;
  }
  return `${text}.`;
}
