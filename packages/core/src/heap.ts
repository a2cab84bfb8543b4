/**
 * Binary heaps over parallel typed arrays (FAISS `utils/Heap.h`, pynndescent's heaps):
 * distances in a `Float64Array`, ids in an `Int32Array`, no per-item objects.
 *
 * Order is by (distance, id): of two equal distances the smaller id counts as closer. That
 * makes every top-k answer unique, which is what lets "flat equals brute force" be tested
 * exactly.
 *
 * - {@link MaxHeap}: the worst kept item on top. With {@link MaxHeap.offer} it keeps the k
 *   closest items seen (the result set W in HNSW, the top-k of a scan).
 * - {@link MinHeap}: the closest item on top (the candidate queue C in HNSW, Annoy's
 *   priority queue over tree nodes).
 *
 * Both grow by doubling if pushed past their capacity, so `push` never fails; size them
 * once and reuse them (`clear()` is O(1)).
 *
 * @module
 */

/** Max-heap keyed by (distance, id): `peekDistance()` is the farthest kept item. */
export class MaxHeap {
  /** Distances, heap-ordered in `[0, size)`. */
  dist: Float64Array;
  /** Ids parallel to `dist`. */
  ids: Int32Array;
  /** Number of items held. */
  size: number;

  /** @param capacity - items to allocate room for (grows by doubling when exceeded). */
  constructor(capacity: number) {
    const cap = Math.max(1, capacity);
    this.dist = new Float64Array(cap);
    this.ids = new Int32Array(cap);
    this.size = 0;
  }

  /** Remove every item (O(1)). */
  clear(): void {
    this.size = 0;
  }

  /** Distance of the top (farthest) item; +Infinity when empty. */
  peekDistance(): number {
    return this.size > 0 ? this.dist[0] : Infinity;
  }

  /** Id of the top (farthest) item; −1 when empty. */
  peekId(): number {
    return this.size > 0 ? this.ids[0] : -1;
  }

  /** Insert an item. */
  push(d: number, id: number): void {
    if (this.size === this.dist.length) this.grow();
    const dist = this.dist;
    const ids = this.ids;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pd = dist[p];
      if (pd > d || (pd === d && ids[p] > id)) break;
      dist[i] = pd;
      ids[i] = ids[p];
      i = p;
    }
    dist[i] = d;
    ids[i] = id;
  }

  /**
   * Keep the `limit` closest items: insert while fewer than `limit` are held, otherwise
   * replace the top if (d, id) is closer.
   * @returns whether the item was kept.
   */
  offer(d: number, id: number, limit: number): boolean {
    if (this.size < limit) {
      this.push(d, id);
      return true;
    }
    const td = this.dist[0];
    if (d < td || (d === td && id < this.ids[0])) {
      this.replaceTop(d, id);
      return true;
    }
    return false;
  }

  /** Remove the top item and return its id (−1 when empty). */
  pop(): number {
    if (this.size === 0) return -1;
    const top = this.ids[0];
    const last = --this.size;
    if (last > 0) this.siftDown(this.dist[last], this.ids[last]);
    return top;
  }

  /** Replace the top item with (d, id) and restore heap order. */
  replaceTop(d: number, id: number): void {
    this.siftDown(d, id);
  }

  /**
   * Empty the heap into `outIds`/`outDist` at `outOff`, closest first (ascending by
   * (distance, id)). Writes `size` entries; returns that count.
   */
  drainAscending(outIds: Int32Array, outDist: Float64Array | Float32Array, outOff: number): number {
    const n = this.size;
    for (let i = n - 1; i >= 0; i--) {
      outDist[outOff + i] = this.dist[0];
      outIds[outOff + i] = this.pop();
    }
    return n;
  }

  private siftDown(d: number, id: number): void {
    const dist = this.dist;
    const ids = this.ids;
    const n = this.size;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (dist[r] > dist[c] || (dist[r] === dist[c] && ids[r] > ids[c]))) c = r;
      const cd = dist[c];
      if (cd < d || (cd === d && ids[c] < id)) break;
      dist[i] = cd;
      ids[i] = ids[c];
      i = c;
    }
    dist[i] = d;
    ids[i] = id;
  }

  private grow(): void {
    const dist = new Float64Array(this.dist.length * 2);
    dist.set(this.dist);
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.dist = dist;
    this.ids = ids;
  }
}

/** Min-heap keyed by (distance, id): `peekDistance()` is the closest item. */
export class MinHeap {
  /** Distances, heap-ordered in `[0, size)`. */
  dist: Float64Array;
  /** Ids parallel to `dist`. */
  ids: Int32Array;
  /** Number of items held. */
  size: number;

  /** @param capacity - items to allocate room for (grows by doubling when exceeded). */
  constructor(capacity: number) {
    const cap = Math.max(1, capacity);
    this.dist = new Float64Array(cap);
    this.ids = new Int32Array(cap);
    this.size = 0;
  }

  /** Remove every item (O(1)). */
  clear(): void {
    this.size = 0;
  }

  /** Distance of the top (closest) item; +Infinity when empty. */
  peekDistance(): number {
    return this.size > 0 ? this.dist[0] : Infinity;
  }

  /** Id of the top (closest) item; −1 when empty. */
  peekId(): number {
    return this.size > 0 ? this.ids[0] : -1;
  }

  /** Insert an item. */
  push(d: number, id: number): void {
    if (this.size === this.dist.length) this.grow();
    const dist = this.dist;
    const ids = this.ids;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pd = dist[p];
      if (pd < d || (pd === d && ids[p] < id)) break;
      dist[i] = pd;
      ids[i] = ids[p];
      i = p;
    }
    dist[i] = d;
    ids[i] = id;
  }

  /** Remove the top (closest) item and return its id (−1 when empty). */
  pop(): number {
    if (this.size === 0) return -1;
    const top = this.ids[0];
    const last = --this.size;
    if (last > 0) {
      const d = this.dist[last];
      const id = this.ids[last];
      const dist = this.dist;
      const ids = this.ids;
      const n = last;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (dist[r] < dist[c] || (dist[r] === dist[c] && ids[r] < ids[c]))) c = r;
        const cd = dist[c];
        if (cd > d || (cd === d && ids[c] > id)) break;
        dist[i] = cd;
        ids[i] = ids[c];
        i = c;
      }
      dist[i] = d;
      ids[i] = id;
    }
    return top;
  }

  private grow(): void {
    const dist = new Float64Array(this.dist.length * 2);
    dist.set(this.dist);
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.dist = dist;
    this.ids = ids;
  }
}
