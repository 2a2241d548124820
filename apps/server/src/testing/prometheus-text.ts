import parsePrometheusTextFormat from "parse-prometheus-text-format";

/** One sample of a series: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** A `/metrics` body, parsed with a Prometheus text-format parser. */
export interface ParsedMetrics {
  /** The type of each metric family (`COUNTER`, `GAUGE`, `HISTOGRAM`, …) by name. */
  types: ReadonlyMap<string, string>;
  /** The samples of the series `name` (for a histogram: `x_bucket`, `x_sum`, `x_count`) whose labels include `labels`. */
  samples(name: string, labels?: Record<string, string>): Sample[];
  /** The sum of those samples' values; for a histogram family, of its `_count` samples. 0 when none. */
  total(name: string, labels?: Record<string, string>): number;
  /** How many samples the series whose names start with `prefix` have. */
  seriesCount(prefix: string): number;
  /** Every label value of every sample. */
  labelValues(): string[];
}

const matches = (sample: Sample, labels: Record<string, string>) =>
  Object.entries(labels).every(([key, value]) => sample.labels[key] === value);

/**
 * Parses `text`, throwing on anything the parser rejects as malformed. The parser folds a labelled
 * histogram's samples into one (it loses their labels), so histograms are read a second time as
 * untyped series, the way Prometheus itself stores them (`x_bucket{le=…}`, `x_sum`, `x_count`).
 */
export function parseMetrics(text: string): ParsedMetrics {
  const types = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family.type]));
  const untyped = text.replace(/^# TYPE (\S+) (histogram|summary)$/gm, "# TYPE $1 untyped");
  const series = new Map<string, Sample[]>();
  for (const family of parsePrometheusTextFormat(untyped)) {
    const samples = family.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }));
    series.set(family.name, [...(series.get(family.name) ?? []), ...samples]);
  }
  const samples = (name: string, labels: Record<string, string> = {}) =>
    (series.get(name) ?? []).filter((sample) => matches(sample, labels));
  return {
    types,
    samples,
    total: (name, labels) =>
      samples(types.get(name) === "HISTOGRAM" ? `${name}_count` : name, labels).reduce(
        (sum, sample) => sum + sample.value,
        0,
      ),
    seriesCount: (prefix) =>
      [...series].filter(([name]) => name.startsWith(prefix)).reduce((n, [, list]) => n + list.length, 0),
    labelValues: () => [...series.values()].flatMap((list) => list.flatMap((s) => Object.values(s.labels))),
  };
}
