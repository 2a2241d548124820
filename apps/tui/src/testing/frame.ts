import { stripVTControlCharacters } from "node:util";

/** The frame without colour codes. */
export function plain(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? "");
}

/** Lets pending promises and React updates settle. */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
