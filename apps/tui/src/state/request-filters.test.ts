import { describe, expect, it } from "vitest";
import { requestRecord } from "../testing/fixtures.js";
import {
  cycleFilter,
  describeFilters,
  filterValues,
  hasFilters,
  matchesFilters,
  NO_ACCOUNT,
  NO_KEY,
  noFilters,
} from "./request-filters.js";

const records = [
  requestRecord("a", { key: "alice", account: "default" }),
  requestRecord("b", {
    key: "bob",
    account: "b",
    model: "gpt-5.4",
    state: "error",
    status: 429,
    errorCode: "usage_limit_reached",
  }),
  requestRecord("c", { state: "error", status: 502, errorCode: "upstream_error" }),
  requestRecord("d", { key: "alice", state: "running", status: null }),
];
const ids = (filters: typeof noFilters) => records.filter((r) => matchesFilters(r, filters)).map((r) => r.id);

describe("request filters", () => {
  it("offers the values seen: keys and accounts with a stand-in for none, ok/error then the codes", () => {
    expect(filterValues("key", records)).toEqual([NO_KEY, "alice", "bob"]);
    expect(filterValues("account", records, ["default", "c"])).toEqual([NO_ACCOUNT, "b", "c", "default"]);
    expect(filterValues("model", records)).toEqual(["gpt-5.2", "gpt-5.4"]);
    expect(filterValues("status", records)).toEqual(["ok", "error", "upstream_error", "usage_limit_reached"]);
  });

  it("matches every active filter", () => {
    expect(ids(noFilters)).toEqual(["a", "b", "c", "d"]);
    expect(ids({ ...noFilters, key: "alice" })).toEqual(["a", "d"]);
    expect(ids({ ...noFilters, key: NO_KEY })).toEqual(["c"]);
    expect(ids({ ...noFilters, status: "ok" })).toEqual(["a"]);
    expect(ids({ ...noFilters, status: "error" })).toEqual(["b", "c"]);
    expect(ids({ ...noFilters, status: "usage_limit_reached" })).toEqual(["b"]);
    expect(ids({ ...noFilters, status: "error", model: "gpt-5.2" })).toEqual(["c"]);
    expect(ids({ ...noFilters, account: NO_ACCOUNT })).toEqual(["c", "d"]);
  });

  it("cycles a field through its values and back to none", () => {
    let filters = noFilters;
    const seen: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      filters = cycleFilter(filters, "key", records);
      seen.push(filters.key);
    }
    expect(seen).toEqual([NO_KEY, "alice", "bob", null]);
    expect(cycleFilter({ ...noFilters, key: "gone" }, "key", records).key).toBe(NO_KEY);
  });

  it("describes the active filters", () => {
    expect(hasFilters(noFilters)).toBe(false);
    const filters = { ...noFilters, key: "alice", status: "error" };
    expect(hasFilters(filters)).toBe(true);
    expect(describeFilters(filters)).toBe("key=alice · status=error");
  });
});
