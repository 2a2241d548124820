import type { QuotaStatus, QuotaStatusLimit, QuotaStatusWindow } from "@cmp/protocol";
import { Box, Text } from "ink";
import { memo } from "react";
import { formatRelative, formatResetTime, formatWindow } from "../format.js";
import { levelForPercent, useTheme } from "../theme.js";

/** Props of `QuotaBar`. */
export interface QuotaBarProps {
  label: string;
  window: QuotaStatusWindow;
  now: number;
  /** Width available for the whole line. */
  width: number;
}

const levelNotes = { ok: "", warn: " ▲ near limit", danger: " ‼ almost out" } as const;

/** One quota window: a bar that turns amber at 70% and red at 90%, the percent used and the reset time. */
export const QuotaBar = memo(function QuotaBar({ label, window, now, width }: QuotaBarProps) {
  const theme = useTheme();
  const percent = Math.min(100, Math.max(0, window.used_percent));
  const level = levelForPercent(percent);
  const color = theme[level];
  const note = percent >= 100 ? " ‼ limit reached" : levelNotes[level];
  const wide = width >= 90;
  const resetsAt = window.resets_at === null ? null : new Date(window.resets_at);
  const reset = resetsAt
    ? wide
      ? `resets ${formatResetTime(resetsAt, now)} (${formatRelative(resetsAt, now)})`
      : `↻ ${formatResetTime(resetsAt, now)}`
    : wide
      ? "reset time unknown"
      : "";
  const used = ` ${window.used_percent.toFixed(1).padStart(5)}%${wide ? " used" : ""}${note}`;
  const barWidth = Math.max(8, Math.min(40, width - 8 - used.length - reset.length - 2));
  const filled = Math.round((percent / 100) * barWidth);
  return (
    <Text wrap="truncate-end">
      {label.padEnd(8)}
      <Text color={color}>{"█".repeat(filled)}</Text>
      <Text color={theme.muted}>{"░".repeat(barWidth - filled)}</Text>
      <Text color={color} bold={level !== "ok"}>
        {used}
      </Text>
      <Text color={theme.muted}>{reset ? `  ${reset}` : ""}</Text>
    </Text>
  );
});

/** Props of `QuotaBars`. */
export interface QuotaBarsProps {
  quota: QuotaStatus | null;
  now: number;
  width: number;
}

/** The limit that applied to the latest request when it is a per-model one (Spark's), else `null`. */
function perModelLimit(quota: QuotaStatus): QuotaStatusLimit | null {
  const active = quota.limits?.find((limit) => limit.active) ?? null;
  return active !== null && active.id !== "codex" ? active : null;
}

/**
 * The 5-hour (primary) and weekly (secondary) quota bars of the limit that is active, or a note that
 * none has been seen yet. When the active limit is a per-model one (`x-codex-active-limit`), a first
 * line names it and the bars are its own.
 */
export function QuotaBars({ quota, now, width }: QuotaBarsProps) {
  const theme = useTheme();
  if (quota === null || (quota.primary === null && quota.secondary === null && !quota.limits?.length)) {
    return (
      <Text wrap="truncate-end">
        {"Quota".padEnd(8)}
        <Text color={theme.muted}>none seen yet: it appears after the first request through the proxy</Text>
      </Text>
    );
  }
  const limit = perModelLimit(quota);
  const source = limit ?? quota;
  const windows: [string, QuotaStatusWindow | null][] = [
    [formatWindow(source.primary?.window_minutes ?? null) ?? "5h", source.primary],
    [formatWindow(source.secondary?.window_minutes ?? null) ?? "weekly", source.secondary],
  ];
  const reached = quota.rate_limit_reached_type;
  return (
    <Box flexDirection="column">
      {limit !== null || reached ? (
        <Text wrap="truncate-end">
          {"Limit".padEnd(8)}
          <Text bold>{limit === null ? "account" : (limit.name ?? limit.id)}</Text>
          {reached ? <Text color={theme.danger}>{` ‼ ${reached} limit reached`}</Text> : null}
        </Text>
      ) : null}
      {windows.map(([label, window], index) =>
        window ? (
          <QuotaBar
            key={index === 0 ? "primary" : "secondary"}
            label={label}
            window={window}
            now={now}
            width={width}
          />
        ) : (
          <Text key={index === 0 ? "primary" : "secondary"} color={theme.muted}>
            {`${label.padEnd(8)}not reported`}
          </Text>
        ),
      )}
    </Box>
  );
}
