import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROMPT_FILE, PROMPT_FILES } from "./prompt-files.js";
import { sourceCases } from "./testing/instructions-source-cases.js";

const readmeUrl = new URL("../README.md", import.meta.url);
/** A Markdown table padded the way the repository's formatter (biome) pads it. */
function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map((row) => row.map((text) => text.replaceAll("|", "\\|")));
  const widths = header.map((_, i) => Math.max(3, ...all.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => `| ${row.map((text, i) => text.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(all[0] ?? []), line(widths.map((width) => "-".repeat(width))), ...all.slice(1).map(line)].join(
    "\n",
  );
}

/** Table padding is the formatter's business: compare cell contents only. */
const normalize = (text: string) =>
  text
    .split("\n")
    .map((line) =>
      line.startsWith("|") ? line.replace(/ *\| */g, "|").replace(/\|-+(?=\|)/g, "|---") : line,
    )
    .join("\n");

const githubStates = {
  up: "release `rust-v1` has the file",
  "new-tag": "new release `rust-v2`",
  "file-404": "file answers 404",
  "release-404": "no latest release (404)",
  down: "unreachable",
} as const;

function renderSourceTable(): string {
  return table(
    ["situation", "model", "GitHub", "source used", "GitHub requests"],
    sourceCases.map((testCase) => [
      testCase.situation,
      `\`${testCase.model.slug}\``,
      githubStates[testCase.github],
      `\`${testCase.expected.source}\``,
      testCase.expected.requests.join("; ") || "none",
    ]),
  );
}

function renderFileTable(): string {
  return table(
    ["slug contains", "prompt file"],
    [
      ...PROMPT_FILES.map((rule) => [`\`${rule.contains}\``, `\`${rule.file}\``]),
      ["anything else", `\`${DEFAULT_PROMPT_FILE}\``],
    ],
  );
}

function replaceBlock(readme: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README has no ${name} markers`);
  return `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`;
}

describe("README tables", () => {
  // Run with UPDATE_README=1 to rewrite the tables after changing the cases or PROMPT_FILES.
  it("match the source cases and the prompt file rules", () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const expected = replaceBlock(
      replaceBlock(readme, "source-table", renderSourceTable()),
      "prompt-file-table",
      renderFileTable(),
    );
    if (process.env["UPDATE_README"] === "1" && expected !== readme) writeFileSync(readmeUrl, expected);
    else expect(normalize(readme)).toBe(normalize(expected));
  });
});
