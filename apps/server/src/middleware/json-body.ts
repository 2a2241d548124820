import express, { type RequestHandler } from "express";
import { ApiError } from "../errors/api-error.js";

const JSON_TYPE = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

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
    next();
  };
  return [checkType, parse, requireObject];
}
