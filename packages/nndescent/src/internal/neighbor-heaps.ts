/**
 * The k-NN graph under construction as one bounded max-heap per point, stored as parallel
 * typed arrays (pynndescent's `make_heap` / `checked_flagged_heap_push` in `utils.py`; FAISS
 * `Heap.h`): no per-point objects, no per-edge allocation.
 *
 * Point i's heap is the slice `[i·K, (i + 1)·K)` of each array; slot 0 holds its current
 * farthest neighbour, so `dist[i·K]` is the threshold a new candidate must beat. Empty slots
 * hold id −1 at +Infinity, so a heap that is not yet full accepts anything.
 *
 * @module
 */

/** n bounded max-heaps of K (distance, id, new-flag) entries each. */
export class NeighborHeaps {
  /** Points (heaps). */
  readonly n: number;
  /** Entries per heap (K). */
  readonly k: number;
  /** Neighbour ids, length n·K, heap-ordered per point; −1 marks an empty slot. */
  readonly ids: Int32Array;
  /** Internal distances parallel to `ids`; +Infinity in empty slots. */
  readonly dist: Float64Array;
  /** 1 where the entry is "new" (not yet used in a local join), parallel to `ids`. */
  readonly flags: Uint8Array;

  constructor(n: number, k: number) {
    this.n = n;
    this.k = k;
    this.ids = new Int32Array(n * k).fill(-1);
    this.dist = new Float64Array(n * k).fill(Infinity);
    this.flags = new Uint8Array(n * k);
  }

  /**
   * pynndescent's `checked_flagged_heap_push`: insert (d, id) into point p's heap unless it
   * is no closer than the current farthest entry or id is already there.
   * @returns 1 if the heap changed, else 0.
   */
  push(p: number, d: number, id: number, flag: number): number {
    const K = this.k;
    const base = p * K;
    const dist = this.dist;
    const ids = this.ids;
    if (!(d < dist[base])) return 0;
    for (let j = base, end = base + K; j < end; j++) if (ids[j] === id) return 0;
    siftDown(dist, ids, this.flags, base, K, d, id, flag);
    return 1;
  }

  /** Number of filled entries of point p's heap. */
  countOf(p: number): number {
    let c = 0;
    const ids = this.ids;
    for (let j = p * this.k, end = j + this.k; j < end; j++) if (ids[j] >= 0) c++;
    return c;
  }

  /** Bytes held. */
  memoryBytes(): number {
    return this.ids.byteLength + this.dist.byteLength + this.flags.byteLength;
  }
}

/** Replace the root of the max-heap at `base` (size `size`) with (d, id, flag) and restore order. */
function siftDown(
  dist: Float64Array,
  ids: Int32Array,
  flags: Uint8Array,
  base: number,
  size: number,
  d: number,
  id: number,
  flag: number,
): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    let c = l;
    if (r < size && dist[base + r] > dist[base + l]) c = r;
    if (!(dist[base + c] > d)) break;
    dist[base + i] = dist[base + c];
    ids[base + i] = ids[base + c];
    flags[base + i] = flags[base + c];
    i = c;
  }
  dist[base + i] = d;
  ids[base + i] = id;
  flags[base + i] = flag;
}

/**
 * Bounded max-heaps of sampled candidates keyed by a random priority (pynndescent's
 * `new_build_candidates`: keeping the smallest random priorities is a uniform sample of at
 * most `cap` of the offered ids). Point i's heap is `[i·cap, (i + 1)·cap)`.
 */
export class CandidateHeaps {
  /** Points. */
  readonly n: number;
  /** Capacity per point (`⌈ρ·K⌉`). */
  readonly cap: number;
  /** Candidate ids, −1 in empty slots. */
  readonly ids: Int32Array;
  /** Random priorities parallel to `ids`; +Infinity in empty slots. */
  readonly priority: Float64Array;

  constructor(n: number, cap: number) {
    this.n = n;
    this.cap = cap;
    this.ids = new Int32Array(n * cap);
    this.priority = new Float64Array(n * cap);
    this.reset();
  }

  /** Empty every heap. */
  reset(): void {
    this.ids.fill(-1);
    this.priority.fill(Infinity);
  }

  /** pynndescent's `checked_heap_push` on point p's heap: keep the `cap` smallest priorities, no repeats. */
  push(p: number, priority: number, id: number): void {
    const cap = this.cap;
    const base = p * cap;
    const pr = this.priority;
    const ids = this.ids;
    if (!(priority < pr[base])) return;
    for (let j = base, end = base + cap; j < end; j++) if (ids[j] === id) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= cap) break;
      const r = l + 1;
      let c = l;
      if (r < cap && pr[base + r] > pr[base + l]) c = r;
      if (!(pr[base + c] > priority)) break;
      pr[base + i] = pr[base + c];
      ids[base + i] = ids[base + c];
      i = c;
    }
    pr[base + i] = priority;
    ids[base + i] = id;
  }

  /** Copy point p's candidate ids (skipping empty slots) into `out` at `outOff`; returns how many. */
  gather(p: number, out: Int32Array, outOff: number): number {
    const ids = this.ids;
    let m = 0;
    for (let j = p * this.cap, end = j + this.cap; j < end; j++) {
      const id = ids[j];
      if (id >= 0) out[outOff + m++] = id;
    }
    return m;
  }

  /** Whether `id` is among point p's candidates. */
  has(p: number, id: number): boolean {
    const ids = this.ids;
    for (let j = p * this.cap, end = j + this.cap; j < end; j++) if (ids[j] === id) return true;
    return false;
  }
}
