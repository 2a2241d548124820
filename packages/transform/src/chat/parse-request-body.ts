import type { z } from "zod";
import { createInvalidRequestError } from "../errors/openai-http-error.js";
import { createErrorFromZodIssue } from "./create-error-from-zod-issue.js";

/**
 * Validates a JSON request body against `schema` the way OpenAI does: a body that is not a JSON object
 * is a 400 `invalid_json`, and the first schema issue a 400 `invalid_request_error` whose `param` names
 * the field. Shared by the Chat Completions and the Responses endpoints.
 * @throws {OpenAIHttpError}
 */
export function parseRequestBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw createInvalidRequestError("The request body must be a JSON object.", null, "invalid_json");
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw issue ? createErrorFromZodIssue(issue, body) : createInvalidRequestError("Invalid request body.");
  }
  return result.data;
}
