import type { ServerResponse } from "node:http";
import { sendJson } from "./loopback-server.js";
import type { RecordedRequest } from "./recorded-request.js";

/** Fields the compaction endpoint accepts (as the official client sends them); others are refused. */
export const COMPACT_BODY_FIELDS: readonly string[] = [
  "model",
  "input",
  "instructions",
  "tools",
  "parallel_tool_calls",
  "reasoning",
  "text",
  "prompt_cache_key",
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const detail = (message: string) => ({ status: 400, body: { detail: message } });

/** The backend's checks of a compaction body, or `null` when it passes. */
function validateCompactBody(body: unknown): { status: number; body: unknown } | null {
  if (!isObject(body)) return detail("Request body must be a JSON object");
  for (const key of Object.keys(body)) {
    if (!COMPACT_BODY_FIELDS.includes(key)) return detail(`Unsupported parameter: ${key}`);
  }
  if (typeof body["model"] !== "string" || body["model"] === "")
    return detail("Missing required parameter: 'model'.");
  if (typeof body["instructions"] !== "string") return detail("Instructions are required");
  const input = body["input"];
  if (!Array.isArray(input) || input.length === 0) return detail("Input must be a non-empty list");
  for (const item of input) {
    if (isObject(item) && typeof item["id"] === "string") {
      return detail(
        `Item with id '${item["id"]}' not found. Items are not persisted when \`store\` is set to false.`,
      );
    }
  }
  return null;
}

/**
 * `POST /responses/compact` of the fake backend, for a caller already authorised like `/responses`: refuses the fields
 * the endpoint does not take (`stream`, `store`, `include`, …) and item ids, and answers (unary JSON) the
 * current form: `{"output":[{"type":"compaction","encrypted_content":…}]}`, one item that stands for the
 * whole input (which ends in a `{"type":"compaction_trigger"}` item; an input without one, the older
 * form, gets the same answer).
 * @see [openai/codex `codex-rs/codex-api/src/endpoint/compact.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/endpoint/compact.rs)
 */
export function serveCompact(
  request: RecordedRequest,
  res: ServerResponse,
  headers: Record<string, string>,
): void {
  const invalid = validateCompactBody(request.body);
  if (invalid) {
    sendJson(res, invalid.status, invalid.body, headers);
    return;
  }
  const input = (request.body as { input: unknown[] }).input;
  const summary = `compacted ${input.length} item(s)`;
  sendJson(
    res,
    200,
    {
      output: [
        { type: "compaction", encrypted_content: `gAAAAAB${Buffer.from(summary).toString("base64url")}` },
      ],
    },
    headers,
  );
}
