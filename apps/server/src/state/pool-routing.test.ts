import { describe, expect, it } from "vitest";
import { headroom, pickNewAccount } from "./pool-routing.js";

const window = (usedPercent: number) => ({ usedPercent, windowMinutes: 300, resetsAt: null });

describe("pool routing", () => {
  it("measures headroom by the tightest window; an account never reported on is untouched", () => {
    expect(headroom(null)).toBe(100);
    expect(headroom({ primary: window(30), secondary: window(70) })).toBe(30);
    expect(headroom({ primary: window(120), secondary: null })).toBe(0);
  });

  it("sticky: the most headroom, ties broken round-robin", () => {
    const candidates = [
      { windows: { primary: window(50), secondary: null } },
      { windows: { primary: window(10), secondary: null } },
      { windows: null },
      { windows: { primary: window(0), secondary: window(0) } },
    ];
    expect([0, 1, 2, 3].map((turn) => pickNewAccount("sticky", candidates, turn))).toEqual([2, 3, 2, 3]);
    expect(pickNewAccount("sticky", candidates.slice(0, 2), 7)).toBe(1);
  });

  it("round-robin rotates and fill-first takes the first usable", () => {
    const candidates = [{ windows: null }, { windows: null }, { windows: null }];
    expect([0, 1, 2, 3].map((turn) => pickNewAccount("round-robin", candidates, turn))).toEqual([0, 1, 2, 0]);
    expect(pickNewAccount("fill-first", candidates, 5)).toBe(0);
  });
});
