import { useEffect, useState } from "react";

/** The current time in milliseconds from `clock`, re-read every `intervalMs` (0 = never). */
export function useNow(clock: () => number, intervalMs: number): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    if (intervalMs <= 0) return;
    const timer = setInterval(() => setNow(clock()), intervalMs);
    return () => clearInterval(timer);
  }, [clock, intervalMs]);
  return now;
}
