import { randomBytes } from "node:crypto";
import { computeS256Challenge } from "./pkce.js";

/** One parsed SSE frame (test helper, not exported from the package). */
export interface ParsedFrame {
  event: string | null;
  data: unknown;
}

/** Splits an SSE text into frames and parses each `data:` line as JSON. */
export function parseSseFrames(text: string): ParsedFrame[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      let event: string | null = null;
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      return { event, data: JSON.parse(data) as unknown };
    });
}

/** A PKCE pair for tests. */
export function makePkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: computeS256Challenge(verifier) };
}

/** Reads a field of an unknown JSON value by path, for assertions. */
export function pick(value: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
