import { describe, expect, it } from "vitest";
import { checkKeyForm, editKeyForm, emptyKeyForm, type KeyForm, parseCount } from "./key-form.js";

const type = (form: KeyForm, ...inputs: (string | Parameters<typeof editKeyForm>[2])[]) =>
  inputs.reduce<KeyForm>(
    (f, input) => (typeof input === "string" ? editKeyForm(f, input, {}) : editKeyForm(f, "", input)),
    form,
  );

describe("the new-key form", () => {
  it("walks the fields with tab and the arrows, types into text fields, toggles the others", () => {
    const form = type(
      emptyKeyForm,
      "ci",
      { backspace: true },
      "i-bot",
      { tab: true },
      "2M",
      { tab: true },
      { rightArrow: true },
      { rightArrow: true },
      { tab: true },
      "120",
      { downArrow: true },
      "gpt-5.4 gpt-5.5,gpt-5.4",
      { tab: true },
      " ",
    );
    expect(form).toEqual({
      name: "ci-bot",
      budget: "2M",
      per: "month",
      rpm: "120",
      models: "gpt-5.4 gpt-5.5,gpt-5.4",
      admin: true,
      focus: "admin",
    });
    expect(type(form, { tab: true, shift: true }).focus).toBe("models");
    expect(type(form, { tab: true }).focus).toBe("name");
    expect(checkKeyForm(form)).toEqual({
      ok: true,
      request: {
        name: "ci-bot",
        budget_tokens: 2_000_000,
        per: "month",
        rpm: 120,
        models: ["gpt-5.4", "gpt-5.5"],
        admin: true,
      },
    });
  });

  it("sends only what was filled in", () => {
    expect(checkKeyForm({ ...emptyKeyForm, name: " bob " })).toEqual({ ok: true, request: { name: "bob" } });
  });

  it("says which field is wrong", () => {
    expect(checkKeyForm(emptyKeyForm)).toMatchObject({ ok: false, field: "name" });
    expect(checkKeyForm({ ...emptyKeyForm, name: "a b" })).toMatchObject({ ok: false, field: "name" });
    expect(checkKeyForm({ ...emptyKeyForm, name: "a", budget: "-5" })).toMatchObject({
      ok: false,
      field: "budget",
    });
    expect(checkKeyForm({ ...emptyKeyForm, name: "a", rpm: "0" })).toMatchObject({ ok: false, field: "rpm" });
  });

  it("reads token counts with k and M", () => {
    expect(parseCount("500000")).toBe(500_000);
    expect(parseCount("500_000")).toBe(500_000);
    expect(parseCount("500k")).toBe(500_000);
    expect(parseCount("1.5M")).toBe(1_500_000);
    expect(parseCount("0")).toBeNull();
    expect(parseCount("1e9")).toBeNull();
    expect(parseCount("lots")).toBeNull();
  });
});
