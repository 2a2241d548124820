import { describe, expect, it } from "vitest";
import { LiveRequests } from "./live-requests.js";

const member = (name: string) => ({ name, liveSlot: -1 });
const names = (list: LiveRequests<{ name: string; liveSlot: number }>) => [...list].map((m) => m.name).sort();

describe("LiveRequests", () => {
  it("adds and removes members in any order, each once", () => {
    const list = new LiveRequests<{ name: string; liveSlot: number }>();
    const [a, b, c, d] = ["a", "b", "c", "d"].map(member) as [
      ReturnType<typeof member>,
      ReturnType<typeof member>,
      ReturnType<typeof member>,
      ReturnType<typeof member>,
    ];
    for (const m of [a, b, c, d]) list.add(m);
    list.add(b);
    expect(list.size).toBe(4);
    // Removing from the middle moves the last member into the gap.
    expect(list.delete(b)).toBe(true);
    expect(names(list)).toEqual(["a", "c", "d"]);
    expect(list.has(b)).toBe(false);
    expect(list.has(d)).toBe(true);
    expect(list.delete(b)).toBe(false);
    expect(list.delete(d)).toBe(true);
    expect(list.delete(a)).toBe(true);
    expect(names(list)).toEqual(["c"]);
    list.add(b);
    expect(names(list)).toEqual(["b", "c"]);
    expect(list.delete(c)).toBe(true);
    expect(list.delete(b)).toBe(true);
    expect(list.size).toBe(0);
  });

  it("ignores a member it never held, even one whose slot points at another member", () => {
    const list = new LiveRequests<{ name: string; liveSlot?: number }>();
    const held = { name: "held" };
    list.add(held);
    expect(list.delete({ name: "never added" })).toBe(false);
    expect(list.delete({ name: "stale slot", liveSlot: 0 })).toBe(false);
    expect([...list]).toEqual([held]);
  });

  it("stays consistent through many interleaved adds and deletes", () => {
    const list = new LiveRequests<{ name: string; liveSlot: number }>();
    const inFlight = new Map<string, ReturnType<typeof member>>();
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 2_000; i++) {
      if (inFlight.size > 0 && next() % 3 === 0) {
        const keys = [...inFlight.keys()];
        const name = keys[next() % keys.length] as string;
        expect(list.delete(inFlight.get(name) as ReturnType<typeof member>)).toBe(true);
        inFlight.delete(name);
      } else {
        const m = member(`r${i}`);
        list.add(m);
        inFlight.set(m.name, m);
      }
      expect(list.size).toBe(inFlight.size);
    }
    expect(names(list)).toEqual([...inFlight.keys()].sort());
  });
});
