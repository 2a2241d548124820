import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** One sample of a process's resident memory and open sockets. */
export interface ResourceSample {
  atMs: number;
  rssKiB: number;
  sockets: number;
}

/** Reads VmRSS and the number of socket descriptors of a process from /proc (Linux). */
export function sampleProcess(pid: number): ResourceSample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    let sockets = 0;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) sockets += 1;
      } catch {
        // closed meanwhile
      }
    }
    return { atMs: Date.now(), rssKiB: Number(rss?.[1] ?? 0), sockets };
  } catch {
    return null;
  }
}

/** The median of some numbers (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Samples a process every `intervalMs` until stopped. */
export function startSampler(pid: number, intervalMs = 1000): { stop(): ResourceSample[] } {
  const samples: ResourceSample[] = [];
  const take = () => {
    const sample = sampleProcess(pid);
    if (sample) samples.push(sample);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
