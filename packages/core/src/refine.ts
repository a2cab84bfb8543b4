/**
 * Exact re-ranking of a first stage's candidates (FAISS's `IndexRefine` / `IndexRefineFlat`):
 * an approximate index proposes a short list of ids (`k × rerank` of them), the refiner
 * measures each one exactly against the full vectors in a {@link VectorStore} and keeps the k
 * best, with exact distances. It is the one re-rank step every annlab index uses: IVF-PQ
 * re-scores its ADC candidates against its kept vectors, the PCA pre-transform re-scores the
 * inner index's candidates in the original space.
 *
 * Reference: H. Jégou, M. Douze, C. Schmid, "Product quantization for nearest neighbor
 * search", IEEE TPAMI 33(1), 2011, §IV-B (re-ranking a short list with exact distances);
 * FAISS `IndexRefine` as the reference behaviour.
 *
 * Steps → code: candidates (from any first stage) → {@link Refiner.refineInto}'s `candIds`;
 * exact distances → {@link DistanceComputer.distancesToIds}; keep the best k → a bounded
 * {@link MaxHeap}; write the row → {@link drainToRow}.
 *
 * @module
 */
import { DistanceComputer } from './distance-computer.js';
import { MaxHeap } from './heap.js';
import type { MetricPolicy } from './metrics.js';
import { drainToRow } from './result.js';
import type { VectorStore } from './vector-store.js';

/** Re-ranks candidate ids exactly against the rows of one store; one per search context. */
export class Refiner {
  /** The distance computer over the full vectors (its query is set by each refine call). */
  readonly dc: DistanceComputer;
  private readonly policy: MetricPolicy;
  private readonly heap: MaxHeap;
  /** Scratch: the valid candidates (−1 padding dropped), grown on demand. */
  private ids: Int32Array;
  /** Scratch: their exact internal distances, same length as `ids`. */
  private exact: Float64Array;

  /**
   * @param store - the full vectors; candidate ids are row ids of this store.
   * @param policy - the metric policy of the store's index (kernel, reported conversion).
   */
  constructor(store: VectorStore, policy: MetricPolicy) {
    this.dc = new DistanceComputer(store, policy);
    this.policy = policy;
    this.heap = new MaxHeap(16);
    this.ids = new Int32Array(16);
    this.exact = new Float64Array(16);
  }

  /**
   * Re-rank `candIds[candOff … candOff + count)` for the query `query[qOff … qOff + dim)`:
   * the k candidates with the smallest exact distance go to `outIds` / `outDist` at `outOff`,
   * ascending by (distance, id), as reported distances, padded with −1 / +Infinity. Negative
   * candidate ids (a first stage's padding) are skipped. Allocates only when `count` exceeds
   * every earlier call's.
   *
   * @returns the number of exact distances computed (the valid candidates).
   */
  refineInto(
    query: Float32Array,
    qOff: number,
    candIds: Int32Array,
    candOff: number,
    count: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
  ): number {
    if (this.ids.length < count) {
      this.ids = new Int32Array(count);
      this.exact = new Float64Array(count);
    }
    const ids = this.ids;
    const exact = this.exact;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const id = candIds[candOff + i];
      if (id >= 0) ids[n++] = id;
    }
    const dc = this.dc;
    dc.setQuery(query, qOff);
    dc.distancesToIds(ids, 0, n, exact, 0);
    const heap = this.heap;
    heap.clear();
    for (let i = 0; i < n; i++) heap.offer(exact[i], ids[i], k);
    drainToRow(heap, this.policy, k, outIds, outDist, outOff);
    return n;
  }

  /** Bytes of scratch held (the store itself belongs to the index). */
  memoryBytes(): number {
    return this.ids.byteLength + this.exact.byteLength + this.heap.dist.byteLength + this.heap.ids.byteLength;
  }
}
