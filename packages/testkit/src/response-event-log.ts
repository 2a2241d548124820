import type { ResponseStreamEvent } from "./sse-encode.js";

/** What every event of one fake response shares. */
export interface ResponseEnvelopeFields {
  id: string;
  model: string;
  createdAt: number;
  /** Echoed in the `response` objects when given (the backend echoes the instructions it got). */
  instructions?: string;
}

/** A growing list of backend events with their `sequence_number`, and the `response` object they carry. */
export interface ResponseEventLog {
  readonly events: ResponseStreamEvent[];
  /** Appends an event of `type`, numbered from 0. */
  push(type: string, fields: Record<string, unknown>): void;
  /** The `response` object of a lifecycle event in `status`, with `extra` fields on top. */
  response(status: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

/** The event list and `response` envelope behind the test kit's scripted backend streams. */
export function createResponseEventLog(fields: ResponseEnvelopeFields): ResponseEventLog {
  const events: ResponseStreamEvent[] = [];
  let seq = 0;
  return {
    events,
    push(type, eventFields) {
      events.push({ type, sequence_number: seq, ...eventFields });
      seq += 1;
    },
    response: (status, extra = {}) => ({
      id: fields.id,
      object: "response",
      created_at: fields.createdAt,
      status,
      background: false,
      error: null,
      incomplete_details: null,
      ...(fields.instructions === undefined ? {} : { instructions: fields.instructions }),
      model: fields.model,
      output: [],
      parallel_tool_calls: true,
      store: false,
      tool_choice: "auto",
      usage: null,
      ...extra,
    }),
  };
}
