/**
 * A visited set with epoch tags (hnswlib's `VisitedList`): one `Uint32Array` slot per id
 * holding the epoch in which the id was last marked. Starting a new query bumps the epoch,
 * which "clears" the set in O(1); the array is zeroed only when the epoch wraps.
 *
 * @module
 */

/** Set of visited ids for one query at a time, reused across queries. */
export class VisitedSet {
  /** Epoch tag per id, length ≥ the id range in use. */
  tags: Uint32Array;
  /** The current query's epoch; an id is visited iff `tags[id] === epoch`. */
  epoch: number;

  /** @param capacity - number of ids (grows with {@link VisitedSet.ensureCapacity}). */
  constructor(capacity: number) {
    this.tags = new Uint32Array(Math.max(1, capacity));
    this.epoch = 1;
  }

  /** Grow to hold ids in [0, n), keeping the current marks. */
  ensureCapacity(n: number): void {
    if (n <= this.tags.length) return;
    let cap = this.tags.length;
    while (cap < n) cap *= 2;
    const next = new Uint32Array(cap);
    next.set(this.tags);
    this.tags = next;
  }

  /** Start a new query: every id becomes unvisited. */
  clear(): void {
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.tags.fill(0);
      this.epoch = 1;
    }
  }

  /** Whether `id` was marked since the last {@link VisitedSet.clear}. */
  has(id: number): boolean {
    return this.tags[id] === this.epoch;
  }

  /** Mark `id` visited. */
  add(id: number): void {
    this.tags[id] = this.epoch;
  }

  /** Mark `id` and report whether it was newly marked (false if already visited). */
  visit(id: number): boolean {
    if (this.tags[id] === this.epoch) return false;
    this.tags[id] = this.epoch;
    return true;
  }

  /** Bytes held. */
  memoryBytes(): number {
    return this.tags.byteLength;
  }
}
