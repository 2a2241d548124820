import { z } from "zod";

const detailSchema = z.object({ detail: z.string() });
const errorSchema = z.object({ error: z.object({ message: z.string() }) });

const rejection = /\binstructions\b[^.]*\b(?:not valid|invalid|required|missing)\b/i;

function messageOf(bodyText: string): string {
  try {
    const json: unknown = JSON.parse(bodyText);
    const detail = detailSchema.safeParse(json);
    if (detail.success) return detail.data.detail;
    const error = errorSchema.safeParse(json);
    if (error.success) return error.data.error.message;
  } catch {
    // Not JSON: match the raw text.
  }
  return bodyText;
}

/**
 * Whether a backend error means "send the official Codex prompt as instructions":
 * a 400/422 whose body says `{"detail":"Instructions are not valid"}` or "Instructions are required"
 * (also inside an OpenAI-style `{"error":{"message":…}}`).
 */
export function isInstructionsRejection(status: number, bodyText: string): boolean {
  if (status !== 400 && status !== 422) return false;
  return rejection.test(messageOf(bodyText));
}
