import { Histogram, type LabelValues } from "prom-client";

/** What prom-client's metrics return from `getForPromString` (not in its type declarations). */
interface HistogramExport {
  name: string;
  help: string;
  type: "histogram";
  aggregator: "sum";
  values: {
    metricName: string;
    labels: Record<string, string | number>;
    sharedLabels: Readonly<Record<string, string>>;
    value: number;
  }[];
}

/**
 * One label combination of a {@link CellHistogram}: its bucket counts, sum and count as plain numbers,
 * so an observation is a bucket search over a dozen bounds and three additions.
 */
export class HistogramCell {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts `value` (a finite number; anything else is ignored, as a scrape could not show it). */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

/**
 * A prom-client histogram observed through cells bound once per label combination
 * ({@link CellHistogram.cell}). prom-client's own `observe` builds a label hash, checks every label and
 * turns the bucket bound into a property name on each call; at request end that was the largest part
 * of the metrics' cost per request under load (docs/performance.md, "Metrics and accounting"). It is
 * still a prom-client `Histogram`: registered in the registry, exported in the same text
 * (`_bucket` with `le`, `_sum`, `_count`) and reset with it. Only cells are exported: prom-client's own
 * `observe` and `labels` would fill a table nothing reads.
 */
export class CellHistogram<T extends string> extends Histogram<T> {
  private readonly cells = new Map<string, HistogramCell>();
  private readonly bounds: readonly number[];
  private readonly names: readonly T[];
  private readonly metricName: string;
  private readonly helpText: string;

  constructor(config: {
    name: string;
    help: string;
    labelNames: readonly T[];
    buckets: readonly number[];
    registers: NonNullable<ConstructorParameters<typeof Histogram<T>>[0]["registers"]>;
  }) {
    super({ ...config, labelNames: [...config.labelNames], buckets: [...config.buckets] });
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    this.names = config.labelNames;
    this.metricName = config.name;
    this.helpText = config.help;
  }

  /** The cell of `labels` (made on first use): keep it, and observe through it. */
  cell(labels: LabelValues<T>): HistogramCell {
    let key = "";
    for (const name of this.names) key += `${labels[name] ?? ""}\u0000`;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      const values: Record<string, string> = {};
      for (const name of this.names) values[name] = String(labels[name] ?? "");
      cell = new HistogramCell(values, this.bounds);
      this.cells.set(key, cell);
    }
    return cell;
  }

  /**
   * prom-client's export hook, which its registry's text and the inherited `get()` both read: the
   * cells as cumulative `_bucket` series with `le`, then `_sum` and `_count`, in prom-client's own shape
   * (the bucket's labels in `labels`, the cell's in `sharedLabels`).
   */
  async getForPromString(): Promise<HistogramExport> {
    const values: HistogramExport["values"] = [];
    const bucket = `${this.metricName}_bucket`;
    for (const cell of this.cells.values()) {
      const sharedLabels = cell.labels;
      let cumulative = 0;
      for (const [i, bound] of this.bounds.entries()) {
        cumulative += cell.counts[i] as number;
        values.push({ metricName: bucket, labels: { le: bound }, sharedLabels, value: cumulative });
      }
      values.push({ metricName: bucket, labels: { le: "+Inf" }, sharedLabels, value: cell.count });
      values.push({ metricName: `${this.metricName}_sum`, labels: {}, sharedLabels, value: cell.sum });
      values.push({ metricName: `${this.metricName}_count`, labels: {}, sharedLabels, value: cell.count });
    }
    return { name: this.metricName, help: this.helpText, type: "histogram", aggregator: "sum", values };
  }

  /** Forgets every observation (the registry's `resetMetrics`). */
  override reset(): void {
    super.reset();
    // Also called by prom-client's constructor, before this class's fields exist.
    this.cells?.clear();
  }
}
