import express, { type RequestHandler } from "express";
import { ApiError } from "../errors/api-error.js";

const JSON_TYPE = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Deepest JSON nesting a request body may have. Real requests nest a few dozen levels at most; bodies
 * nested thousands of levels deep parse fine but overflow the stack when serialised for the upstream.
 */
export const MAX_JSON_DEPTH = 256;

/** True when `value` nests objects or arrays more than `limit` levels deep (checked without recursion). */
export function exceedsJsonDepth(value: unknown, limit: number): boolean {
  // Two parallel stacks, so a big conversation allocates no pair per object.
  const nodes: object[] = [value as object];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    if (Array.isArray(node)) {
      for (const child of node) {
        if (typeof child === "object" && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in node) {
        const child = (node as Record<string, unknown>)[key];
        if (typeof child === "object" && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/**
 * The JSON body of API POSTs: a wrong `Content-Type` is a 415, a malformed body a 400 and an
 * oversized one a 413 (all OpenAI error bodies, via the error middleware).
 */
export function createJsonBody(limitBytes: number): RequestHandler[] {
  const parse = express.json({ limit: limitBytes, type: () => true, strict: false });
  const checkType: RequestHandler = (req, _res, next) => {
    const type = req.headers["content-type"];
    if (type === undefined || !JSON_TYPE.test(type)) {
      next(
        new ApiError({
          status: 415,
          code: "unsupported_media_type",
          message: `Send the request body as JSON with Content-Type: application/json (got ${type === undefined ? "no Content-Type" : `"${type.slice(0, 80)}"`}).`,
        }),
      );
      return;
    }
    next();
  };
  const requireObject: RequestHandler = (req, _res, next) => {
    const body: unknown = req.body;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      next(
        new ApiError({
          status: 400,
          code: "invalid_request",
          message: "The request body must be a JSON object.",
        }),
      );
      return;
    }
    if (exceedsJsonDepth(body, MAX_JSON_DEPTH)) {
      next(
        new ApiError({
          status: 400,
          code: "invalid_request",
          message: `The request body nests JSON more than ${MAX_JSON_DEPTH} levels deep.`,
        }),
      );
      return;
    }
    next();
  };
  return [checkType, parse, requireObject];
}
