import type { z } from "zod";
import { createInvalidRequestError, type OpenAIHttpError } from "../errors/openai-http-error.js";

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** Formats a zod path as OpenAI's `param`: `messages[3].content[1].image_url`. */
function formatParamPath(path: readonly PathKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    return value.length <= 40 ? `'${value.replace(/[\u0000-\u001f]/g, " ")}'` : "a string";
  }
  return `${typeof value === "number" ? "a number" : typeof value} (${String(value)})`;
}

// Union failures hide the useful issue inside one branch: pick the branch that got deepest.
function deepestIssue(issue: Issue, basePath: readonly PathKey[]): { issue: Issue; path: PathKey[] } {
  const fullPath = [...basePath, ...issue.path];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return { issue, path: fullPath };
  let best: { issue: Issue; path: PathKey[] } | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const candidate = deepestIssue(first, fullPath);
    const isShallowTypeMiss =
      candidate.issue.code === "invalid_type" && candidate.path.length === fullPath.length;
    if (isShallowTypeMiss) continue;
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  return best ?? { issue, path: fullPath };
}

/** Turns the first zod issue of a request body into OpenAI's 400 with a `param`. */
export function createErrorFromZodIssue(issue: Issue, body: unknown): OpenAIHttpError {
  const { issue: target, path } = deepestIssue(issue, []);
  const param = formatParamPath(path);
  const value = valueAt(body, path);
  const where = param === "" ? "the request body" : `'${param}'`;
  let message: string;
  switch (target.code) {
    case "invalid_type":
      message =
        value === undefined
          ? `Missing required parameter: ${where}.`
          : `Invalid type for ${where}: expected ${target.expected}, but got ${describe(value)}.`;
      break;
    case "invalid_union": {
      if (value === undefined) {
        message = `Missing required parameter: ${where}.`;
        break;
      }
      const options = (target as { options?: unknown }).options;
      if (target.errors.length === 0 && Array.isArray(options) && options.length > 0) {
        message = `Invalid value for ${where}: expected one of ${options.map((v) => JSON.stringify(v)).join(", ")}, but got ${describe(value)}.`;
        break;
      }
      const expected = target.errors.flatMap((branch) =>
        branch[0]?.code === "invalid_type" && branch[0].path.length === 0 ? [branch[0].expected] : [],
      );
      message =
        expected.length === target.errors.length && expected.length > 0
          ? `Invalid type for ${where}: expected ${expected.join(" or ")}, but got ${describe(value)}.`
          : `Invalid value for ${where}: ${describe(value)} matches none of the accepted forms.`;
      break;
    }
    case "invalid_value":
      message = `Invalid value for ${where}: expected one of ${target.values.map((v) => JSON.stringify(v)).join(", ")}, but got ${describe(value)}.`;
      break;
    case "too_small":
      message =
        target.origin === "array" || target.origin === "string"
          ? `Invalid ${where}: expected at least ${String(target.minimum)} ${target.origin === "array" ? "item(s)" : "character(s)"}.`
          : `Invalid ${where}: expected a value >= ${String(target.minimum)}, but got ${describe(value)}.`;
      break;
    case "too_big":
      message =
        target.origin === "array" || target.origin === "string"
          ? `Invalid ${where}: expected at most ${String(target.maximum)} ${target.origin === "array" ? "item(s)" : "character(s)"}.`
          : `Invalid ${where}: expected a value <= ${String(target.maximum)}, but got ${describe(value)}.`;
      break;
    default:
      message = `Invalid ${where}: ${target.message}.`;
  }
  return createInvalidRequestError(message, param === "" ? null : param, "invalid_value");
}
