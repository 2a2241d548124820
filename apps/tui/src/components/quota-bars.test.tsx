import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { quotaAt, testNow } from "../testing/fixtures.js";
import { plain } from "../testing/frame.js";
import { createTheme, ThemeContext } from "../theme.js";
import { QuotaBars } from "./quota-bars.js";

const ansiYellow = "\u001b[33m";
const ansiRed = "\u001b[31m";
const ansiGreen = "\u001b[32m";

function lineOf(frame: string | undefined, label: string): string {
  return (frame ?? "").split("\n").find((l) => l.includes(label)) ?? "";
}

describe("QuotaBars", () => {
  it("shows both windows with percent used and reset times", () => {
    const { lastFrame } = render(<QuotaBars quota={quotaAt(42.5, 77.25)} now={testNow} width={100} />);
    const frame = plain(lastFrame());
    expect(frame).toContain("5h");
    expect(frame).toContain("42.5% used");
    expect(frame).toContain("resets 20:55 (in 2h 55m)");
    expect(frame).toContain("weekly");
    expect(frame).toContain("77.3% used ▲ near limit");
    expect(frame).toContain("resets Tue 00:00 (in 3d 6h)");
  });

  it("is green below 70%, amber from 70% and red from 90%", () => {
    const { lastFrame } = render(<QuotaBars quota={quotaAt(69.9, 92)} now={testNow} width={100} />);
    expect(lineOf(lastFrame(), "5h")).toContain(ansiGreen);
    expect(lineOf(lastFrame(), "5h")).not.toContain(ansiYellow);
    expect(lineOf(lastFrame(), "weekly")).toContain(ansiRed);
    expect(plain(lastFrame())).toContain("92.0% used ‼ almost out");

    const amber = render(<QuotaBars quota={quotaAt(70, 10)} now={testNow} width={100} />);
    expect(lineOf(amber.lastFrame(), "5h")).toContain(ansiYellow);
  });

  it("fills the bar in proportion", () => {
    const { lastFrame } = render(<QuotaBars quota={quotaAt(50, 100)} now={testNow} width={100} />);
    const primary = plain(lineOf(lastFrame(), "5h"));
    const filled = primary.split("█").length - 1;
    const empty = primary.split("░").length - 1;
    expect(filled).toBe(empty);
    expect(plain(lineOf(lastFrame(), "weekly"))).toContain("limit reached");
    expect(plain(lineOf(lastFrame(), "weekly"))).not.toContain("░");
  });

  it("says when no quota was seen yet", () => {
    const { lastFrame } = render(<QuotaBars quota={null} now={testNow} width={100} />);
    expect(plain(lastFrame())).toContain("none seen yet");
  });

  it("keeps a narrow terminal to one line per window", () => {
    const { lastFrame } = render(<QuotaBars quota={quotaAt(95, 80)} now={testNow} width={56} />);
    const lines = plain(lastFrame()).split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(56);
    expect(lines[0]).toContain("↻ 20:55");
  });

  it("uses no colour codes when colour is off", () => {
    const { lastFrame } = render(
      <ThemeContext.Provider value={createTheme({ color: false })}>
        <QuotaBars quota={quotaAt(95, 80)} now={testNow} width={100} />
      </ThemeContext.Provider>,
    );
    expect(lastFrame()).not.toMatch(/\u001b\[3\dm/);
    expect(lastFrame()).toContain("‼ almost out");
  });
});

describe("QuotaBars with limit families", () => {
  it("names the active per-model limit and shows its own windows", () => {
    const base = quotaAt(42.5, 77.25);
    const quota = {
      ...base,
      limits: [
        { id: "codex", name: null, active: false, primary: base.primary, secondary: base.secondary },
        {
          id: "codex_bengalfox",
          name: "GPT-5.3-Codex-Spark",
          active: true,
          primary: { used_percent: 96, window_minutes: 300, resets_at: base.primary?.resets_at ?? null },
          secondary: { used_percent: 12, window_minutes: 10_080, resets_at: null },
        },
      ],
      active_limit: "codex_bengalfox",
      rate_limit_reached_type: "primary",
    };
    const frame = plain(render(<QuotaBars quota={quota} now={testNow} width={100} />).lastFrame());
    expect(frame).toContain("Limit   GPT-5.3-Codex-Spark ‼ primary limit reached");
    expect(frame).toContain("96.0% used");
    expect(frame).not.toContain("42.5% used");
  });

  it("keeps the account's bars when the active limit is the codex one", () => {
    const base = quotaAt(42.5, 77.25);
    const quota = {
      ...base,
      limits: [{ id: "codex", name: null, active: true, primary: base.primary, secondary: base.secondary }],
      active_limit: "codex",
      rate_limit_reached_type: null,
    };
    const frame = plain(render(<QuotaBars quota={quota} now={testNow} width={100} />).lastFrame());
    expect(frame).not.toContain("Limit");
    expect(frame).toContain("42.5% used");
  });
});
