// The parser ships no types: the part of its output the metrics tests read.
declare module "parse-prometheus-text-format" {
  /** One sample (of a counter, gauge or untyped series). */
  export interface ParsedSample {
    value?: string;
    labels?: Record<string, string>;
  }
  /** One metric family. */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    metrics: ParsedSample[];
  }
  /** Parses the Prometheus text format; throws on malformed text. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
