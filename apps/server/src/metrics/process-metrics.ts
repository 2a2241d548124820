import { collectDefaultMetrics, Registry } from "prom-client";

let processRegistry: Registry | undefined;

/**
 * The registry of the process's own metrics (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`,
 * event loop lag, GC…: prom-client's `collectDefaultMetrics`), under their usual names so stock Node.js
 * dashboards work. One per process, made on first use: the collectors hook GC and the event loop, and
 * every app of a process (tests start many) reports the same process.
 */
export function processMetricsRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
