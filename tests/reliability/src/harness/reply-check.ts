import { type RawResponse, readSseData } from "./http-request.js";
import type { SecretRegistry } from "./secrets.js";

/** Which API a reply came from, so its success shape can be checked. */
export type ReplyKind = "chat" | "responses" | "other";

const STACK_TRACE =
  /\n\s+at \S+ \(|\bat (?:async )?\S+ \((?:file:\/\/|\/|node:)|node_modules\/|\/work\/|file:\/\/\//;
const HTML = /<!doctype html|<html[\s>]|<body[\s>]|<pre>/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorCodeIn(body: unknown): unknown {
  return isRecord(body) && isRecord(body["error"]) ? body["error"]["code"] : undefined;
}

/** Problems with an OpenAI error body (`{"error":{message,type,code,param}}`), or none. */
export function checkErrorBody(value: unknown): string[] {
  if (!isRecord(value) || !isRecord(value["error"])) return ["error reply is not {error:{…}}"];
  const error = value["error"];
  const problems: string[] = [];
  if (typeof error["message"] !== "string" || error["message"].length === 0)
    problems.push("error.message missing");
  if (typeof error["type"] !== "string") problems.push("error.type missing");
  if (!(typeof error["code"] === "string" || error["code"] === null))
    problems.push("error.code not string|null");
  if (!(typeof error["param"] === "string" || error["param"] === null || error["param"] === undefined)) {
    problems.push("error.param not string|null");
  }
  return problems;
}

function checkChatCompletion(value: unknown): string[] {
  if (!isRecord(value) || value["object"] !== "chat.completion") return ["200 body is not a chat.completion"];
  if (!Array.isArray(value["choices"]) || value["choices"].length === 0)
    return ["chat.completion without choices"];
  return [];
}

function checkResponse(value: unknown): string[] {
  if (!isRecord(value) || value["object"] !== "response") return ["200 body is not a response object"];
  return [];
}

function checkChatStream(text: string): string[] {
  const data = readSseData(text);
  if (data.at(-1) !== "[DONE]") return ["chat stream does not end with data: [DONE]"];
  for (const payload of data.slice(0, -1)) {
    const chunk = parseJson(payload);
    if (!isRecord(chunk)) return [`chat stream has a non-JSON data line: ${payload.slice(0, 80)}`];
    if (chunk["object"] === "chat.completion.chunk") {
      if (!Array.isArray(chunk["choices"])) return ["chunk without choices array"];
      continue;
    }
    const problems = checkErrorBody(chunk);
    if (problems.length > 0)
      return [`chat stream data line is neither a chunk nor an error: ${payload.slice(0, 80)}`];
  }
  return [];
}

function checkResponsesStream(text: string): string[] {
  const data = readSseData(text).filter((d) => d !== "[DONE]");
  if (data.length === 0) return ["responses stream is empty"];
  for (const payload of data) {
    const event = parseJson(payload);
    if (!isRecord(event) || typeof event["type"] !== "string") {
      return [`responses stream has a data line without type: ${payload.slice(0, 80)}`];
    }
  }
  const last = parseJson(data.at(-1) ?? "");
  const type = isRecord(last) ? last["type"] : undefined;
  if (!["response.completed", "response.incomplete", "response.failed", "error"].includes(String(type))) {
    return [`responses stream ends with ${String(type)}, not a terminal event`];
  }
  return [];
}

/**
 * Checks the promises every reply keeps: an HTTP status (no hang, no dropped connection), either a
 * valid completion or a 4xx/5xx OpenAI error body in JSON, never HTML, a stack trace or a token.
 * Returns the problems found (empty when the reply is fine).
 */
export function checkReply(res: RawResponse, kind: ReplyKind, secrets?: SecretRegistry): string[] {
  if (res.timedOut) return ["no reply (timed out)"];
  if (res.status === 0) return [`no HTTP response (${res.error ?? "unknown"})`];
  const problems: string[] = [];
  if (HTML.test(res.text)) problems.push("HTML in the body");
  if (STACK_TRACE.test(res.text)) problems.push("stack trace or file path in the body");
  const leaks = secrets?.findIn(`${res.text}\n${JSON.stringify(res.headers)}`) ?? [];
  problems.push(...leaks.map((l) => `secret in reply: ${l}`));
  const contentType = String(res.headers["content-type"] ?? "");
  const streamed = contentType.includes("text/event-stream");
  if (res.status >= 400 && res.status <= 599) {
    if (!contentType.includes("application/json"))
      problems.push(`${res.status} with content-type ${contentType}`);
    const body = parseJson(res.text);
    problems.push(...checkErrorBody(body));
    // A 500 internal_error is an exception no handler expected: a crash of the request, even if contained.
    if (res.status === 500 && errorCodeIn(body) === "internal_error")
      problems.push("500 internal_error (unhandled exception)");
  } else if (res.status === 200) {
    if (res.error && !res.aborted) problems.push(`200 reply cut: ${res.error}`);
    else if (res.aborted) {
      // the client left on purpose; nothing more to check
    } else if (kind === "chat")
      problems.push(...(streamed ? checkChatStream(res.text) : checkChatCompletion(parseJson(res.text))));
    else if (kind === "responses") {
      problems.push(...(streamed ? checkResponsesStream(res.text) : checkResponse(parseJson(res.text))));
    }
  } else {
    problems.push(`unexpected status ${res.status}`);
  }
  return problems;
}
