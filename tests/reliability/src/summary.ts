import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SUMMARY_FILE = join(dirname(fileURLToPath(import.meta.url)), "..", ".reliability", "summary.jsonl");

/** One line of the suite's summary: how many cases a category tried and how many failed. */
export interface CategoryRecord {
  category: string;
  cases: number;
  failures: number;
  /** Seed for replay (fuzz categories). */
  seed?: number;
  note?: string;
}

/** Adds a line to the run's summary (printed at the end of the run). */
export function recordCategory(record: CategoryRecord): void {
  mkdirSync(dirname(SUMMARY_FILE), { recursive: true });
  appendFileSync(SUMMARY_FILE, `${JSON.stringify(record)}\n`);
}

/** Forgets the previous run's summary. */
export function resetSummary(): void {
  rmSync(SUMMARY_FILE, { force: true });
}

/** The recorded lines, merged per category. */
export function readSummary(): CategoryRecord[] {
  if (!existsSync(SUMMARY_FILE)) return [];
  const merged = new Map<string, CategoryRecord>();
  for (const line of readFileSync(SUMMARY_FILE, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as CategoryRecord;
    const previous = merged.get(record.category);
    if (previous) {
      previous.cases += record.cases;
      previous.failures += record.failures;
    } else merged.set(record.category, { ...record });
  }
  return [...merged.values()].sort((a, b) => a.category.localeCompare(b.category));
}

/** Renders the summary as a Markdown table. */
export function formatSummary(records: CategoryRecord[]): string {
  const rows = records.map(
    (r) => `| ${r.category} | ${r.cases} | ${r.failures} | ${r.seed ?? ""} | ${r.note ?? ""} |`,
  );
  const total = records.reduce((sum, r) => sum + r.cases, 0);
  return [
    "| category | cases | failures | seed | note |",
    "| --- | ---: | ---: | ---: | --- |",
    ...rows,
    `| **total** | ${total} | ${records.reduce((sum, r) => sum + r.failures, 0)} | | |`,
  ].join("\n");
}
