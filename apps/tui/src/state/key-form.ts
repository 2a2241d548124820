import type { BudgetPeriod } from "@cmp/protocol";
import type { CreateKeyRequest } from "../api/server-client.js";

/** The fields of the new-key form, in the order `tab` walks them. */
export const KEY_FORM_FIELDS = ["name", "budget", "per", "rpm", "models", "admin"] as const;

/** One field of the new-key form. */
export type KeyFormField = (typeof KEY_FORM_FIELDS)[number];

/** What the new-key form holds: the text as typed, checked only on submit (`checkKeyForm`). */
export interface KeyForm {
  name: string;
  /** Token budget as typed: `500000`, `500k`, `1.5M`; empty for none. */
  budget: string;
  per: BudgetPeriod;
  /** Requests per minute as typed; empty for no limit. */
  rpm: string;
  /** Model names separated by commas or spaces; empty for any model. */
  models: string;
  admin: boolean;
  focus: KeyFormField;
}

/** The form as it opens. */
export const emptyKeyForm: KeyForm = {
  name: "",
  budget: "",
  per: "day",
  rpm: "",
  models: "",
  admin: false,
  focus: "name",
};

const periods: BudgetPeriod[] = ["day", "week", "month"];

/** The keys of one key press the form reacts to (a subset of Ink's `Key`). */
export interface FormKey {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  tab?: boolean;
  shift?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

type TextField = "name" | "budget" | "rpm" | "models";
const isTextField = (field: KeyFormField): field is TextField =>
  field === "name" || field === "budget" || field === "rpm" || field === "models";

function step<T>(list: readonly T[], current: T, by: number): T {
  const index = list.indexOf(current);
  return list[(index + by + list.length) % list.length] ?? current;
}

/**
 * Applies one key press to the form: `tab`/`↓` and `shift-tab`/`↑` move between fields, `space` or
 * `←`/`→` change the period and the admin switch (`y`/`n` too), and anything printable is typed into a
 * text field. Enter and escape are the screen's (submit, cancel). Pure.
 */
export function editKeyForm(form: KeyForm, input: string, key: FormKey): KeyForm {
  if (key.tab || key.downArrow || key.upArrow) {
    const back = key.upArrow || (key.tab && key.shift);
    return { ...form, focus: step(KEY_FORM_FIELDS, form.focus, back ? -1 : 1) };
  }
  if (form.focus === "per") {
    if (key.leftArrow) return { ...form, per: step(periods, form.per, -1) };
    if (key.rightArrow || input === " ") return { ...form, per: step(periods, form.per, 1) };
    const typed = periods.find((p) => p.startsWith(input.toLowerCase()) && input.length > 0);
    return typed ? { ...form, per: typed } : form;
  }
  if (form.focus === "admin") {
    if (input === "y") return { ...form, admin: true };
    if (input === "n") return { ...form, admin: false };
    if (key.leftArrow || key.rightArrow || input === " ") return { ...form, admin: !form.admin };
    return form;
  }
  const field = form.focus;
  if (!isTextField(field)) return form;
  if (key.backspace || key.delete) return { ...form, [field]: form[field].slice(0, -1) };
  if (key.ctrl || key.meta || key.leftArrow || key.rightArrow || input === "") return form;
  const text = input.replace(/[\r\n\t]/g, "");
  return { ...form, [field]: (form[field] + text).slice(0, 200) };
}

/** Reads `500000`, `500_000`, `500k`, `1.5M` as a positive whole number; `null` when it is not one. */
export function parseCount(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim().replace(/[_,]/g, ""));
  if (!match) return null;
  const scale = { "": 1, k: 1_000, m: 1_000_000 }[(match[2] ?? "").toLowerCase() as "" | "k" | "m"];
  const value = Math.round(Number(match[1]) * scale);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** The result of {@link checkKeyForm}. */
export type KeyFormCheck =
  | { ok: true; request: CreateKeyRequest }
  | { ok: false; field: KeyFormField; error: string };

/**
 * Turns the form into the body of `POST /v1/management/keys`, or says which field is wrong. The server
 * checks again (its name rules win); this only catches what can be told before asking.
 */
export function checkKeyForm(form: KeyForm): KeyFormCheck {
  const name = form.name.trim();
  if (name === "") return { ok: false, field: "name", error: "Give the key a name." };
  if (/[\s/]/.test(name) || name.length > 64) {
    return {
      ok: false,
      field: "name",
      error: "A key name has no spaces or slashes and at most 64 characters.",
    };
  }
  const request: CreateKeyRequest = { name };
  if (form.budget.trim() !== "") {
    const tokens = parseCount(form.budget);
    if (tokens === null) {
      return {
        ok: false,
        field: "budget",
        error: "The budget is a number of tokens, like 500000, 500k or 1.5M.",
      };
    }
    request.budget_tokens = tokens;
    request.per = form.per;
  }
  if (form.rpm.trim() !== "") {
    const rpm = parseCount(form.rpm);
    if (rpm === null)
      return { ok: false, field: "rpm", error: "Requests per minute is a whole number, like 60." };
    request.rpm = rpm;
  }
  const models = form.models
    .split(/[\s,]+/)
    .map((m) => m.trim())
    .filter((m) => m !== "");
  if (models.length > 0) request.models = [...new Set(models)];
  if (form.admin) request.admin = true;
  return { ok: true, request };
}
