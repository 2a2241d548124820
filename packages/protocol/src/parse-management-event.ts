import { z } from "zod";
import { type ManagementEvent, managementEventSchemas } from "./management-events.js";

/** Why a management event was refused. */
export type ManagementEventErrorCode = "unknown_event" | "invalid_json" | "invalid_data";

/**
 * A refused event. It is a value, not a thrown error: one bad event must not end the stream, and a
 * reader usually skips `unknown_event` (a newer server) and reports the others.
 */
export interface ManagementEventError {
  code: ManagementEventErrorCode;
  /** The SSE event name as received. */
  event: string;
  message: string;
}

/** The result of {@link parseManagementEvent}. */
export type ManagementEventParseResult =
  | { success: true; value: ManagementEvent }
  | { success: false; error: ManagementEventError };

const isEventName = (name: string): name is keyof typeof managementEventSchemas =>
  Object.hasOwn(managementEventSchemas, name);

/**
 * Checks one server-sent event of `GET /v1/management/events` (its `event:` name and its `data:`
 * text) against the protocol and returns the typed event, or the reason it does not fit.
 */
export function parseManagementEvent({
  event,
  data,
}: {
  event: string;
  data: string;
}): ManagementEventParseResult {
  if (!isEventName(event)) {
    return { success: false, error: { code: "unknown_event", event, message: `unknown event "${event}"` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return {
      success: false,
      error: { code: "invalid_json", event, message: `event "${event}" has no JSON data` },
    };
  }
  const parsed = managementEventSchemas[event].safeParse(json);
  if (!parsed.success) {
    return {
      success: false,
      error: { code: "invalid_data", event, message: `event "${event}": ${z.prettifyError(parsed.error)}` },
    };
  }
  // The name was checked against the same table the schema came from, so the pair is consistent.
  return { success: true, value: { type: event, data: parsed.data } as ManagementEvent };
}
