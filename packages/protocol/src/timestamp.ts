import { z } from "zod";

/**
 * An RFC 3339 time as the server writes it (`Date.prototype.toISOString()`, e.g.
 * `2026-11-27T18:00:00.000Z`); offsets are accepted too. Times stay strings on the wire: a reader turns
 * them into `Date`s where it shows them.
 */
export const timestampSchema = z.iso.datetime({ offset: true });
