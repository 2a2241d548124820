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
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (depth > limit) return true;
    const children = Array.isArray(node) ? node : Object.values(node as object);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
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
