import type { ModelTotals } from "../state/dashboard-state.js";
import { TotalsTable } from "./totals-table.js";

/** Props of `ModelTotalsTable`. */
export interface ModelTotalsTableProps {
  totals: ModelTotals[];
  width: number;
  /** Most lines below the column header, including the "… more" line. */
  maxRows: number;
}

/** Requests and tokens per model over this session, busiest model first. */
export function ModelTotalsTable({ totals, width, maxRows }: ModelTotalsTableProps) {
  return (
    <TotalsTable
      title="Totals this session"
      column="MODEL"
      noun="models"
      rows={totals.map(({ model, ...counts }) => ({ name: model, ...counts }))}
      width={width}
      maxRows={maxRows}
    />
  );
}
