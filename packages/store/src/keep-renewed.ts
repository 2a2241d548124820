/** Stops a renewal loop started by {@link keepRenewed}. */
export type StopRenewal = () => void;

/**
 * Renews a lease every `ttlMs / 3` with `renew` until stopped. `renew` resolving `false` means the lease
 * is no longer ours (expired and taken, or removed): `onLost` at once. A failed renewal (store
 * unreachable) is retried sooner, and the lease counts as lost once `ttlMs` passed since the last
 * successful renewal, because by then another holder may have it. The same holds when this process was
 * frozen for longer than the lease: a late timer never pretends the lease survived.
 * The timers are unref'd: a held lock never keeps a process alive.
 */
export function keepRenewed(
  ttlMs: number,
  renew: () => Promise<boolean>,
  onLost: (detail: string, cause?: unknown) => void,
): StopRenewal {
  const interval = Math.max(1, Math.floor(ttlMs / 3));
  let lastRenewedAt = Date.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const lose = (detail: string, cause?: unknown) => {
    if (stopped) return;
    stopped = true;
    onLost(detail, cause);
  };
  async function tick() {
    if (stopped) return;
    if (Date.now() - lastRenewedAt >= ttlMs) {
      lose(`its ${ttlMs} ms lease ran out before it could be renewed`);
      return;
    }
    const startedAt = Date.now();
    let renewed: boolean;
    try {
      renewed = await renew();
    } catch (cause) {
      if (Date.now() - lastRenewedAt >= ttlMs) {
        lose("the store could not be reached to renew its lease", cause);
      } else {
        schedule(Math.max(1, Math.min(interval, Math.floor(ttlMs / 10))));
      }
      return;
    }
    if (!renewed) {
      lose("its lease expired or was taken over by another holder");
      return;
    }
    // The lease now runs from when the renewal was sent, not from when its answer came back.
    lastRenewedAt = startedAt;
    schedule(interval);
  }

  schedule(interval);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
