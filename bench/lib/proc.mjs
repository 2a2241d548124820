// CPU time and memory of a process (Linux /proc), sampled by the benchmark.
import { readFileSync, writeFileSync } from "node:fs";

const CLOCK_TICKS_PER_S = 100;

/** User + system CPU time of `pid` in ms, or `null` when it cannot be read. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

function statusKiB(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Resident memory of `pid` in KiB. */
export const rssKiB = (pid) => statusKiB(pid, "VmRSS");

/** Peak resident memory of `pid` in KiB since start or the last {@link resetPeakRss}. */
export const peakRssKiB = (pid) => statusKiB(pid, "VmHWM");

/** Resets the peak-RSS counter of `pid`; false where the kernel does not allow it. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * Watches a process during one measurement: CPU time used and peak RSS (the kernel's high-water mark
 * when it can be reset, else RSS sampled every 50 ms).
 */
export function watchProcess(pid) {
  const exactPeak = resetPeakRss(pid);
  const cpu0 = cpuMs(pid);
  let sampledPeak = rssKiB(pid) ?? 0;
  const timer = setInterval(() => {
    const rss = rssKiB(pid) ?? 0;
    if (rss > sampledPeak) sampledPeak = rss;
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      const cpu1 = cpuMs(pid);
      const hwm = exactPeak ? (peakRssKiB(pid) ?? 0) : 0;
      return {
        cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
        peakRssKiB: Math.max(hwm, sampledPeak, rssKiB(pid) ?? 0),
        peakSource: exactPeak ? "VmHWM" : "sampled",
      };
    },
  };
}
