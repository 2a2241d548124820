import type { ResponseStreamEvent } from "./sse-encode.js";

/** A pause in a scripted stream. */
export interface ScenarioDelay {
  delayMs: number;
}

/** Bytes written as they are (e.g. a malformed frame). */
export interface ScenarioRaw {
  raw: string;
}

/** One step of a scripted stream: an event (framed as SSE), a pause, or raw bytes. */
export type ScenarioStep = ResponseStreamEvent | ScenarioDelay | ScenarioRaw;

/**
 * What the fake backend answers to one `POST /responses`. Plain data, so tests can script their own.
 * - With `body`: a plain HTTP response (`status`, `headers`, `body`), no SSE.
 * - Otherwise: SSE headers, then `events` (with `eventDelayMs` between them), then `end`.
 */
export interface Scenario {
  name?: string;
  /** HTTP status. Default 200. */
  status?: number;
  /** Extra or overriding response headers (names in lower case). */
  headers?: Record<string, string>;
  /** Raw response body; when set, no SSE is sent. */
  body?: string;
  events?: ScenarioStep[];
  /** Pause before each event. Default 0. */
  eventDelayMs?: number;
  /**
   * After the events: `close` ends the response normally (default), `reset` destroys the socket
   * (connection reset), `stall` keeps the connection open and silent until the client leaves.
   */
  end?: "close" | "reset" | "stall";
  /** Wait this long before the response head (a stalled head; the wait ends when the client leaves). */
  headDelayMs?: number;
  /**
   * After the events, instead of `end`: write `text` every `everyMs`, until the client leaves (a body
   * that trickles, or a stream of `: keep-alive` comments, that never ends).
   */
  trickle?: { text: string; everyMs: number };
}

/** What a scenario function sees of the request. */
export interface ScenarioRequest {
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** `body.model`. */
  model: string;
  /** Text of the last user message in `input` ("" if none). */
  lastUserText: string;
  /** Names of the function tools in `body.tools`. */
  toolNames: string[];
  /** `chatgpt_plan_type` of the bearer token when known, else `pro`. */
  planType: string;
  /** Position of this request in `codex.requests`. */
  requestIndex: number;
  /** The fake backend's clock (its `now` option) when the request arrived, in ms; unset means `Date.now()`. */
  nowMs?: number;
  /** The account the request was authorised as (`ChatGPT-Account-ID`), when the fake backend knows it. */
  accountId?: string;
}

/** A scenario, a built-in scenario's name, or a function choosing one per request. */
export type ScenarioInput = string | Scenario | ((request: ScenarioRequest) => Scenario | string);

/** True for a pause step. */
export function isDelayStep(step: ScenarioStep): step is ScenarioDelay {
  return !("type" in step) && "delayMs" in step;
}

/** True for a raw-bytes step. */
export function isRawStep(step: ScenarioStep): step is ScenarioRaw {
  return !("type" in step) && "raw" in step;
}
