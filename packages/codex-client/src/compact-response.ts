import type { BodyReader } from "./body-stream.js";
import { CodexClientError } from "./codex-client-error.js";
import type { QuotaSnapshot } from "./quota-headers.js";

/** The largest compaction answer read (its encrypted history can be long); more is an error. */
export const MAX_COMPACTION_BYTES = 64 * 1024 * 1024;

/**
 * The backend's answer to `POST /responses/compact`: the compacted history that replaces the input. In
 * the current form the request's input ends in a `{"type":"compaction_trigger"}` item and `output` holds
 * exactly one `{"type":"compaction","encrypted_content":…}` item.
 * @see [openai/codex `codex-rs/codex-api/src/endpoint/compact.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/endpoint/compact.rs)
 */
export interface CodexCompaction {
  status: number;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
  /** The whole JSON body as the backend sent it (`output` and any other fields). */
  body: Record<string, unknown>;
  /** `body.output`: the items that replace the compacted input. */
  output: unknown[];
  /** The quota headers of this answer, parsed. */
  quota: QuotaSnapshot | null;
  /** How many HTTP requests it took (retries and the 401 replay included). */
  attempts: number;
  /** The account the request was made for (`null` when the login names none). */
  accountId: string | null;
}

/** What {@link readCompaction} reads: a successful response of the client's transport. */
interface CompactionSource extends BodyReader {
  status: number;
  headers: Record<string, string>;
  quota: QuotaSnapshot | null;
  attempts: number;
  accountId: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads a 2xx compaction answer to its end (under the client's idle timeout and deadline) and parses it.
 * @throws {CodexClientError} `upstream_stream_error` when the body is not a JSON object with an `output`
 * array or is larger than {@link MAX_COMPACTION_BYTES}; the read errors of the body (idle timeout, abort).
 */
export async function readCompaction(source: CompactionSource): Promise<CodexCompaction> {
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (let chunk = await source.read(); chunk !== null; chunk = await source.read()) {
    size += chunk.byteLength;
    if (size > MAX_COMPACTION_BYTES) {
      source.cancel();
      throw new CodexClientError(
        "upstream_stream_error",
        `The Codex backend's compaction answer is larger than ${MAX_COMPACTION_BYTES / 1048576} MiB`,
      );
    }
    text += decoder.decode(chunk, { stream: true });
  }
  text += decoder.decode();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new CodexClientError("upstream_stream_error", "The Codex backend's compaction answer is not JSON", {
      cause,
    });
  }
  const output = isObject(body) ? body["output"] : undefined;
  if (!isObject(body) || !Array.isArray(output)) {
    throw new CodexClientError(
      "upstream_stream_error",
      "The Codex backend's compaction answer has no `output` list",
    );
  }
  return {
    status: source.status,
    headers: source.headers,
    body,
    output,
    quota: source.quota,
    attempts: source.attempts,
    accountId: source.accountId,
  };
}
