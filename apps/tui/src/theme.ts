import { createContext, useContext } from "react";

/** Semantic colours. `undefined` means "no colour" (NO_COLOR), so Ink emits no colour codes. */
export interface Theme {
  /** True when colours are on. */
  color: boolean;
  /** Healthy: logged in, server up, quota well below the limit. */
  ok: string | undefined;
  /** Needs attention soon: quota at 70% or more, a token about to expire. */
  warn: string | undefined;
  /** Broken or nearly exhausted: errors, quota at 90% or more, server down. */
  danger: string | undefined;
  /** Headings, keys, the selected item. */
  accent: string | undefined;
  /** Secondary text: labels, hints. */
  muted: string | undefined;
  /** Panel borders. */
  border: string | undefined;
}

/** Builds the theme; with `color: false` every colour is `undefined`. */
export function createTheme({ color }: { color: boolean }): Theme {
  if (!color) {
    return {
      color,
      ok: undefined,
      warn: undefined,
      danger: undefined,
      accent: undefined,
      muted: undefined,
      border: undefined,
    };
  }
  return { color, ok: "green", warn: "yellow", danger: "red", accent: "cyan", muted: "gray", border: "gray" };
}

/** The theme every component reads; defaults to colours on. */
export const ThemeContext = createContext<Theme>(createTheme({ color: true }));

/** The current theme. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** The level a fill percentage falls in: amber from 70%, red from 90%. */
export type FillLevel = "ok" | "warn" | "danger";

/** Maps a used percentage to its level (≥ 90 danger, ≥ 70 warn). */
export function levelForPercent(usedPercent: number): FillLevel {
  if (usedPercent >= 90) return "danger";
  if (usedPercent >= 70) return "warn";
  return "ok";
}
