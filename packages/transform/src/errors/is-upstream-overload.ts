import { OpenAIHttpError } from "./openai-http-error.js";

/**
 * True for the error the classifier makes of a backend overload (`server_is_overloaded`, `slow_down`,
 * "at capacity", a 503): the one failure worth sending the whole request again, as long as nothing
 * has reached the client yet. Other failures (bad requests, limits, logins) would fail the same way.
 */
export function isUpstreamOverload(error: unknown): error is OpenAIHttpError {
  return OpenAIHttpError.isInstance(error) && error.status === 503 && error.code === "upstream_unavailable";
}
