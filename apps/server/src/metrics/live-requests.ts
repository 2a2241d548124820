/** What {@link LiveRequests} keeps on each member: its index in the list (`-1` or unset: not in one). */
export interface LiveSlot {
  liveSlot?: number;
}

/**
 * The requests in flight, as an unordered array: adding appends, removing moves the last member into
 * the gap, both without a search. Each member holds its own index, so it can be in one list at a time.
 *
 * Not a `Set`: with one add and one delete per request, a `Set` of the requests in flight doubled the
 * CPU of the garbage collector's helper threads under load (+30 to +45 µs per request at 32 concurrent
 * requests, 12 to 21 % of the server's CPU; docs/performance.md, "Metrics and accounting"); this array
 * costs nothing measurable.
 */
export class LiveRequests<T extends LiveSlot> implements Iterable<T> {
  private readonly members: T[] = [];

  /** How many requests are in flight. */
  get size(): number {
    return this.members.length;
  }

  /** Adds `member` (once: adding it again changes nothing). */
  add(member: T): void {
    if (this.has(member)) return;
    member.liveSlot = this.members.length;
    this.members.push(member);
  }

  /** Removes `member`; false when it was not in this list. */
  delete(member: T): boolean {
    if (!this.has(member)) return false;
    const slot = member.liveSlot as number;
    const last = this.members.pop() as T;
    if (last !== member) {
      this.members[slot] = last;
      last.liveSlot = slot;
    }
    member.liveSlot = -1;
    return true;
  }

  /** True when `member` is in this list. */
  has(member: T): boolean {
    const slot = member.liveSlot;
    return slot !== undefined && slot >= 0 && this.members[slot] === member;
  }

  /** The members, in no particular order (do not add or remove while iterating). */
  [Symbol.iterator](): Iterator<T> {
    return this.members.values();
  }
}
