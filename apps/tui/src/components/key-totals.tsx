import type { KeyTotals } from "../state/dashboard-state.js";
import { NO_KEY } from "../state/request-filters.js";
import { TotalsTable } from "./totals-table.js";

/** Props of `KeyTotalsTable`. */
export interface KeyTotalsTableProps {
  totals: KeyTotals[];
  width: number;
  /** Most lines below the column header, including the "… more" line. */
  maxRows: number;
}

/** True when some request came with a named key: only then is a per-key table worth its lines. */
export function hasNamedKeys(totals: KeyTotals[]): boolean {
  return totals.some((t) => t.key !== null);
}

/** Requests and tokens per API key over this session, busiest key first. */
export function KeyTotalsTable({ totals, width, maxRows }: KeyTotalsTableProps) {
  return (
    <TotalsTable
      title="Totals per key"
      column="KEY"
      noun="keys"
      rows={totals.map(({ key, ...counts }) => ({ name: key ?? NO_KEY, ...counts }))}
      width={width}
      maxRows={maxRows}
    />
  );
}
