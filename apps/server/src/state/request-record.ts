import type { RequestUsage } from "@cmp/protocol";

// The record is part of the management protocol: the dashboard parses what the server sends with the
// same schema, so its shape lives in @cmp/protocol, not here.
export type { RequestRecord } from "@cmp/protocol";

/** Token counts of one request (the protocol's `RequestUsage`). */
export type RecordUsage = RequestUsage;
