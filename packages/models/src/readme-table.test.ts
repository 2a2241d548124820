import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LEGACY_MODELS } from "./legacy-models.js";
import { resolveCases } from "./testing/resolve-model-cases.js";

const readmeUrl = new URL("../README.md", import.meta.url);

const code = (text: string) =>
  text === "" || text !== text.trim() ? `\`${JSON.stringify(text)}\`` : `\`${text}\``;

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

function renderResolutionTable(): string {
  const rows = resolveCases.map(({ request, aliases, without, expected }) => {
    const context = [
      ...(aliases ? Object.entries(aliases).map(([from, to]) => `alias ${code(from)} → ${code(to)}`) : []),
      ...(without ? [`snapshot without ${without.map(code).join(", ")}`] : []),
    ];
    const result =
      "error" in expected
        ? ["404 `model_not_found`", "", ""]
        : [code(expected.slug), expected.effort ? code(expected.effort) : "—", expected.warnings.join("; ")];
    return [
      code(request.model),
      request.reasoningEffort ? code(request.reasoningEffort) : "",
      context.join("; "),
      ...result,
    ];
  });
  return table(["model", "request effort", "setup", "slug", "effort", "warnings"], rows);
}

function renderLegacyTable(): string {
  const rows = Object.entries(LEGACY_MODELS).map(([name, row]) => [
    code(name),
    row.reason === "retired" ? "retired Codex model" : "OpenAI API model",
    row.families.map(code).join(" → "),
  ]);
  return table(["legacy name", "kind", "families tried, in order"], rows);
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
  // Run with UPDATE_README=1 to rewrite the tables after changing the cases or the legacy table.
  it("match the resolution cases and the legacy table", () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const expected = replaceBlock(
      replaceBlock(readme, "resolution-table", renderResolutionTable()),
      "legacy-table",
      renderLegacyTable(),
    );
    if (process.env["UPDATE_README"] === "1" && expected !== readme) writeFileSync(readmeUrl, expected);
    else expect(normalize(readme)).toBe(normalize(expected));
  });
});
