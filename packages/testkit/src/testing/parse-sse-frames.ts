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
