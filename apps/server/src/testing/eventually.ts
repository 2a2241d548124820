/**
 * Polls `check` until it holds, for at most `ms` (generous: a loaded CI machine is slow, and nothing
 * here measures time), then throws naming `what`.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what = "condition",
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Lets every callback already queued with `setImmediate` (the embedded store's pub/sub) run. */
export async function drainImmediates(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
