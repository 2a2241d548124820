import type { RequestRecord } from "@cmp/protocol";
import { formatClock, formatDuration, formatTokens, truncate } from "../format.js";
import { modelOf } from "../state/dashboard-state.js";

/** One column of the request table. */
export interface RequestColumn {
  key: string;
  title: string;
  width: number;
  align: "left" | "right";
  /** 0 = always shown; higher numbers are dropped first when the terminal is narrow. */
  priority: number;
  cell(record: RequestRecord, now: number): string;
}

function statusCell(record: RequestRecord): string {
  if (record.state === "running") return "run";
  if (record.status !== null) return String(record.status);
  return record.state === "error" ? "err" : "ok";
}

function durationCell(record: RequestRecord, now: number): string {
  if (record.state === "running") return formatDuration(Math.max(0, now - Date.parse(record.startedAt)));
  return formatDuration(record.durationMs);
}

const tokens = (pick: (u: NonNullable<RequestRecord["usage"]>) => number) => (record: RequestRecord) =>
  record.usage ? formatTokens(pick(record.usage)) : "—";

const allColumns: RequestColumn[] = [
  {
    key: "time",
    title: "TIME",
    width: 8,
    align: "left",
    priority: 2,
    cell: (r) => formatClock(new Date(r.startedAt)),
  },
  { key: "model", title: "MODEL", width: 10, align: "left", priority: 0, cell: modelOf },
  { key: "effort", title: "EFFORT", width: 7, align: "left", priority: 3, cell: (r) => r.effort ?? "—" },
  {
    key: "mode",
    title: "MODE",
    width: 6,
    align: "left",
    priority: 5,
    cell: (r) => (r.stream ? "stream" : "json"),
  },
  { key: "status", title: "STATUS", width: 6, align: "right", priority: 0, cell: statusCell },
  {
    key: "ttft",
    title: "TTFT",
    width: 7,
    align: "right",
    priority: 4,
    cell: (r) => formatDuration(r.ttftMs),
  },
  { key: "duration", title: "DUR", width: 7, align: "right", priority: 1, cell: durationCell },
  { key: "input", title: "IN", width: 6, align: "right", priority: 3, cell: tokens((u) => u.input) },
  { key: "cached", title: "CACHED", width: 6, align: "right", priority: 6, cell: tokens((u) => u.cached) },
  { key: "output", title: "OUT", width: 6, align: "right", priority: 3, cell: tokens((u) => u.output) },
  {
    key: "reasoning",
    title: "REASON",
    width: 6,
    align: "right",
    priority: 6,
    cell: tokens((u) => u.reasoning),
  },
];

const maxModelWidth = 28;

/** The columns that fit in `width`, with the model column taking the spare room. */
export function fitRequestColumns(width: number): RequestColumn[] {
  let columns = allColumns;
  const total = (list: RequestColumn[]) => list.reduce((sum, c) => sum + c.width + 1, 0);
  while (total(columns) > width) {
    const worst = Math.max(...columns.map((c) => c.priority));
    if (worst === 0) break;
    const index = columns.findLastIndex((c) => c.priority === worst);
    columns = columns.filter((_, i) => i !== index);
  }
  const spare = Math.max(0, width - total(columns));
  return columns.map((c) =>
    c.key === "model" ? { ...c, width: Math.min(maxModelWidth, c.width + spare) } : c,
  );
}

/** One table line for `record` (or the header when `record` is null). */
export function formatRequestLine(
  columns: RequestColumn[],
  record: RequestRecord | null,
  now: number,
): string {
  return columns
    .map((c) => {
      const text = truncate(record ? c.cell(record, now) : c.title, c.width);
      return c.align === "left" ? text.padEnd(c.width) : text.padStart(c.width);
    })
    .join(" ");
}
