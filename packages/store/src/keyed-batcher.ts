/** One queued operation of a {@link KeyedBatcher}. */
interface Queued<Op, Result> {
  op: Op;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs the operations on one key in batches, one batch at a time: what arrives while a batch runs waits
 * and goes together in the next one. The embedded store's counters and lists use it so that a busy
 * server takes a key's file lock once for many changes instead of once per change. `flush` gets the
 * operations in arrival order and resolves with one result per operation, in that order; when it
 * rejects, every operation of the batch rejects with its error.
 */
export class KeyedBatcher<Op, Result> {
  private readonly pending = new Map<string, Queued<Op, Result>[]>();
  private readonly running = new Set<string>();

  constructor(private readonly flush: (key: string, ops: Op[]) => Promise<Result[]>) {}

  add(key: string, op: Op): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      let queue = this.pending.get(key);
      if (queue === undefined) {
        queue = [];
        this.pending.set(key, queue);
      }
      queue.push({ op, resolve, reject });
      if (!this.running.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.running.add(key);
    try {
      for (;;) {
        const batch = this.pending.get(key);
        this.pending.delete(key);
        if (batch === undefined || batch.length === 0) return;
        try {
          const results = await this.flush(
            key,
            batch.map((queued) => queued.op),
          );
          for (const [i, queued] of batch.entries()) queued.resolve(results[i] as Result);
        } catch (error) {
          for (const queued of batch) queued.reject(error);
        }
      }
    } finally {
      this.running.delete(key);
    }
  }
}
