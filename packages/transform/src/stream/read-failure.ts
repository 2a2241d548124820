import { createStreamIncompleteError } from "../errors/map-stream-failure.js";
import { OpenAIHttpError } from "../errors/openai-http-error.js";

/** Maps an upstream read failure (idle timeout, cut connection: the transport's own errors) to the client's error. */
export type ReadFailureDescriber = (error: unknown) => OpenAIHttpError;

/**
 * The client's error for an upstream that ended early: `stream_incomplete` (502) for an end without a
 * terminal event (`error` undefined), an `OpenAIHttpError` as it is, `describe`'s answer when the
 * caller knows its transport's errors (idle timeout, cut connection), else `stream_incomplete`.
 */
export function describeReadFailure(error: unknown, describe?: ReadFailureDescriber): OpenAIHttpError {
  if (error === undefined) return createStreamIncompleteError();
  if (OpenAIHttpError.isInstance(error)) return error;
  return describe?.(error) ?? createStreamIncompleteError();
}
