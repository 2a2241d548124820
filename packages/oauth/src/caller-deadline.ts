/** How long one caller waits for work it does not own (a refresh others may still need). */
export interface CallerDeadline {
  /**
   * Resolves or rejects like `work`, or rejects with the deadline's error once the deadline passed.
   * `work` itself is not cancelled: it goes on for whoever else waits for it.
   */
  race<T>(work: Promise<T>): Promise<T>;
  /** True once the deadline passed. */
  readonly expired: boolean;
  /** Stops the timer (call it when the caller is done). */
  dispose(): void;
}

/**
 * One deadline for one caller, however many waits it makes: the timer starts at the first `race` and
 * is shared by the later ones, so a caller never waits longer than `ms` in total. The timer does not
 * keep the process alive.
 */
export function createCallerDeadline(ms: number, makeError: () => Error): CallerDeadline {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  let passed: Promise<never> | undefined;
  const start = (): Promise<never> => {
    passed ??= new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(makeError());
      }, ms);
      timer.unref();
    });
    // Nobody may be racing when the timer fires; that rejection is expected.
    passed.catch(() => undefined);
    return passed;
  };
  return {
    race: (work) => Promise.race([work, start()]),
    get expired() {
      return expired;
    },
    dispose() {
      if (timer) clearTimeout(timer);
    },
  };
}
