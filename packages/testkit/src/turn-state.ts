import { createHash, randomBytes } from "node:crypto";

/** The header the backend issues a turn's routing state in, and clients replay it in. */
export const FAKE_TURN_STATE_HEADER = "x-codex-turn-state";

/** Input items that answer a tool call: a request ending in one continues the current turn. */
const TOOL_OUTPUT_TYPES: ReadonlySet<string> = new Set([
  "function_call_output",
  "custom_tool_call_output",
  "local_shell_call_output",
  "mcp_tool_call_output",
]);

/**
 * How the fake judged one request's `x-codex-turn-state`:
 * - `new_turn`: a new turn (the input ends in a user message) sent without a turn state: correct.
 * - `replayed`: a tool-loop request replayed its own turn's state, or a retry of the turn's first request
 *   (the same input) replayed the state its failed attempt was issued: correct.
 * - `missing`: a tool-loop request of a turn that has a state did not replay it.
 * - `unknown`: a state the fake never issued.
 * - `cross_turn`: a state replayed on a new turn, or from an earlier turn or another session.
 */
export type TurnStateVerdict = "new_turn" | "replayed" | "missing" | "unknown" | "cross_turn";

/** One `POST /responses` as the turn-state model saw it. */
export interface TurnStateRecord {
  requestIndex: number;
  /** The request's `session-id` header (`null` without one). */
  sessionId: string | null;
  /** Whether the input ended in a tool output (the request continues a turn). */
  continuesTurn: boolean;
  /** The turn state the request carried. */
  sent: string | null;
  /** The turn state the fake issued in its response header. */
  issued: string | null;
  verdict: TurnStateVerdict;
  /** True for `missing`, `unknown` and `cross_turn`. */
  violation: boolean;
}

/** The fake backend's turn-state bookkeeping. */
export interface FakeTurnStates {
  /** Judges one request and returns the turn state to issue in the response (or `null`). */
  handle(requestIndex: number, headers: Record<string, string>, body: unknown): string | null;
  /** Every judged request, in order. */
  records(): TurnStateRecord[];
}

/** True when the last input item is a tool output, i.e. the request continues the current turn. */
export function continuesTurn(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const input = (body as Record<string, unknown>)["input"];
  if (!Array.isArray(input) || input.length === 0) return false;
  const last: unknown = input[input.length - 1];
  if (typeof last !== "object" || last === null) return false;
  const type = (last as Record<string, unknown>)["type"];
  return typeof type === "string" && TOOL_OUTPUT_TYPES.has(type);
}

/**
 * The backend's sticky routing for a tool loop, modelled after the official client's contract: the first
 * response of a turn issues `x-codex-turn-state`; the turn's later requests (those ending in a tool output)
 * replay it; a new turn (a new user message) never carries one. Every request is recorded with a verdict,
 * so tests can assert that a client replays within a turn and never across turns.
 */
export function createFakeTurnStates(): FakeTurnStates {
  const records: TurnStateRecord[] = [];
  // state → the session and input it was issued for; `current` maps a session to its open turn's state.
  const issuedFor = new Map<string, { session: string; input: string }>();
  const current = new Map<string, string>();
  let counter = 0;

  const issue = (session: string, input: string): string => {
    counter += 1;
    const state = `ts_${counter}_${randomBytes(6).toString("hex")}`;
    issuedFor.set(state, { session, input });
    current.set(session, state);
    return state;
  };
  const inputKey = (body: unknown): string => {
    const input =
      typeof body === "object" && body !== null ? (body as Record<string, unknown>)["input"] : null;
    return createHash("sha256")
      .update(JSON.stringify(input ?? null))
      .digest("hex");
  };

  return {
    handle(requestIndex, headers, body) {
      const sessionId = headers["session-id"] ?? null;
      const session = sessionId ?? "";
      const sent = headers[FAKE_TURN_STATE_HEADER] || null;
      const continuing = continuesTurn(body);
      const input = inputKey(body);
      const origin = sent === null ? undefined : issuedFor.get(sent);
      let verdict: TurnStateVerdict;
      let issued: string | null = null;
      if (!continuing && sent !== null && origin !== undefined && current.get(session) === sent) {
        // The same first request again (a retry): it keeps the state its first attempt got.
        verdict = origin.input === input ? "replayed" : "cross_turn";
        if (verdict === "cross_turn") issued = issue(session, input);
      } else if (!continuing) {
        verdict = sent === null ? "new_turn" : origin !== undefined ? "cross_turn" : "unknown";
        issued = issue(session, input);
      } else if (sent === null) {
        verdict = current.has(session) ? "missing" : "new_turn";
        issued = issue(session, input);
      } else if (origin === undefined) {
        verdict = "unknown";
      } else {
        verdict = current.get(session) === sent ? "replayed" : "cross_turn";
      }
      records.push({
        requestIndex,
        sessionId,
        continuesTurn: continuing,
        sent,
        issued,
        verdict,
        violation: verdict === "missing" || verdict === "unknown" || verdict === "cross_turn",
      });
      return issued;
    },
    records: () => records,
  };
}
