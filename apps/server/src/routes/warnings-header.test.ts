import { describe, expect, it } from "vitest";
import { encodeWarningsHeader, MAX_WARNINGS_HEADER_LENGTH } from "./warnings-header.js";

const VALID_HEADER = /^[\x20-\x7e]*$/;

describe("encodeWarningsHeader", () => {
  it("escapes everything but printable ASCII (non-Latin-1, NUL, DEL, CR/LF, backslash)", () => {
    const { value, complete } = encodeWarningsHeader(["unknown parameter 'é☃\u0000\u007f\r\n\\' dropped"]);
    expect(value).toBe("unknown parameter '\\u00e9\\u2603\\u0000\\u007f\\u000d\\u000a\\\\' dropped");
    expect(value).toMatch(VALID_HEADER);
    expect(complete).toBe(false);
  });

  it("passes plain warnings through and folds repeats", () => {
    expect(encodeWarningsHeader(["a", "b", "a", "a"])).toEqual({ value: "a (x3); b", complete: true });
  });

  it("caps the header at 4 KiB with '...and N more' (300 orphan tool results)", () => {
    const warnings = Array.from(
      { length: 300 },
      (_, i) => `tool output for unknown call 'call_${i}' sent as text`,
    );
    const { value, complete } = encodeWarningsHeader(warnings);
    expect(value.length).toBeLessThanOrEqual(MAX_WARNINGS_HEADER_LENGTH);
    expect(value).toMatch(/; \.\.\.and \d+ more$/);
    expect(value).toMatch(VALID_HEADER);
    expect(complete).toBe(false);
  });

  it("cuts one enormous warning (a 1 MiB key)", () => {
    const { value } = encodeWarningsHeader([`unknown parameter '${"k".repeat(1 << 20)}' dropped`]);
    expect(value.length).toBeLessThanOrEqual(MAX_WARNINGS_HEADER_LENGTH);
    expect(value.endsWith("...")).toBe(true);
  });
});
