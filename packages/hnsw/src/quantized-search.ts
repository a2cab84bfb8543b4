/**
 * Quantized HNSW search with exact re-ranking (FAISS `IndexHNSWSQ` wrapped in
 * `IndexRefineFlat`): the graph is built on the float32 vectors, so its quality is that of
 * the float index, but queries walk it on scalar codes (8 or 4 bits per component, core's
 * {@link ScalarQuantizer}), whose distances are cheaper to compute and whose rows are 4–8×
 * smaller, so more of them stay in cache. The best `rerank × k` elements of the dynamic list
 * W are then measured exactly against the float32 vectors (core's {@link Refiner}) and the
 * top k returned with exact distances.
 *
 * Steps → code:
 * - codes kept in step with the vectors → {@link syncCodes} (after every `add`, `update`, load);
 * - Alg. 5 K-NN-SEARCH on codes → {@link quantizedSearchInto}: the same TypeScript loops
 *   (`greedyDescend`, `searchLayer`, or `searchChecked` for filters, deletions and counters)
 *   with the state's distance computer swapped for the quantized one for the query's duration;
 * - re-rank → `Refiner.refineInto` (Jégou et al., TPAMI 2011, §IV-B).
 *
 * Training schedule: the quantizer's per-dimension ranges are learned from the first T stored
 * vectors, T the largest power of two ≤ n, capped at {@link SQ_TRAIN_ROWS}; whenever T changes
 * (the index doubled, up to the cap) the ranges are retrained and every code re-encoded, which
 * costs O(n·dim) per doubling (amortised O(dim) per vector). So the codes are a function of the
 * stored vectors alone, independent of how they were split into `add` calls, and seeded builds
 * stay byte-identical. Vectors outside the trained ranges are clamped; `update` re-encodes its
 * row with the current ranges.
 *
 * @module
 */
import {
  drainToRow,
  Refiner,
  ScalarQuantizer,
  SqCodes,
  SqDistanceComputer,
  type KernelBackend,
  type MetricPolicy,
  type SearchStats,
  type VectorStore,
} from '@annlab/core';
import type { HnswFilter } from './filter.js';
import type { HnswState } from './hnsw-state.js';
import { searchChecked } from './knn-search.js';
import { greedyDescend, searchLayer } from './search-layer.js';
import type { HnswQuantizer } from './types.js';

/** Most stored vectors the quantizer's ranges are trained on. */
export const SQ_TRAIN_ROWS = 65536;

/** The re-rank factor used when a quantized index is searched without `rerank`. */
export const DEFAULT_RERANK = 4;

/** Rows the ranges are trained on for `n` stored vectors: the largest power of two ≤ n, capped. */
export function trainingRows(n: number): number {
  if (n <= 0) return 0;
  let t = 1;
  while (t * 2 <= n && t * 2 <= SQ_TRAIN_ROWS) t *= 2;
  return t;
}

/** The quantizer, codes, quantized distance computer and re-rank scratch of one index (fixed shape). */
export class QuantizedSearch {
  /** `'sq8'` or `'sq4'`. */
  readonly kind: HnswQuantizer;
  /** The scalar quantizer (ranges retrained on the schedule in the module doc). */
  readonly sq: ScalarQuantizer;
  /** One code per stored vector (rows [0, store.size)). */
  readonly codes: SqCodes;
  /** Distances from the current query to codes. */
  readonly dc: SqDistanceComputer;
  /** Exact re-ranking against the float32 store. */
  readonly refiner: Refiner;
  /** Rows the current ranges were trained on (0: not trained yet). */
  trainedRows: number;
  /** First-stage candidate ids (grown on demand). */
  candIds: Int32Array;
  /** Their approximate reported distances. */
  candDist: Float32Array;

  /**
   * @param kind - `'sq8'` or `'sq4'`.
   * @param store - the index's float32 vectors (re-rank source).
   * @param policy - the index's metric policy.
   * @param kernels - kernel backend of the codes.
   */
  constructor(kind: HnswQuantizer, store: VectorStore, policy: MetricPolicy, kernels: KernelBackend | undefined) {
    this.kind = kind;
    this.sq = new ScalarQuantizer({ dim: store.dim, bits: kind === 'sq4' ? 4 : 8 });
    this.codes = new SqCodes(this.sq, { kernels });
    this.dc = new SqDistanceComputer(this.codes, policy);
    this.refiner = new Refiner(store, policy);
    this.trainedRows = 0;
    this.candIds = new Int32Array(64);
    this.candDist = new Float32Array(64);
  }

  /** Bytes used: the code rows (codes and norms) of the stored vectors and the quantizer's ranges. */
  usedBytes(): number {
    return this.codes.usedBytes() + this.sq.memoryBytes();
  }

  /** Bytes allocated: codes at capacity, ranges, re-rank scratch. */
  memoryBytes(): number {
    return (
      this.codes.memoryBytes() + this.sq.memoryBytes() + this.refiner.memoryBytes() + this.candIds.byteLength + this.candDist.byteLength
    );
  }
}

/**
 * Bring the codes in step with the stored vectors: retrain the ranges when the training size
 * ({@link trainingRows}) changed, re-encoding every code, then encode the rows not yet coded.
 */
export function syncCodes(s: HnswState): void {
  const q = s.quant;
  if (q === null) return;
  const store = s.store;
  const n = store.size;
  const t = trainingRows(n);
  if (t !== q.trainedRows) {
    if (t > 0) q.sq.trainRows(store.data, 0, t);
    q.trainedRows = t;
    q.codes.size = 0;
  }
  const have = q.codes.size;
  if (have < n) q.codes.encodeRows(store.data, have, have, n - have);
  else q.codes.truncate(n);
}

/** Re-encode stored row `id` (after its vector was replaced) with the current ranges. */
export function reencodeRow(s: HnswState, id: number): void {
  const q = s.quant;
  if (q !== null && id < q.codes.size) q.codes.encodeRows(s.store.data, id, id, 1);
}

/**
 * Alg. 5 K-NN-SEARCH on the codes, then exact re-ranking: the level-0 list W (width `ef`) is
 * searched with quantized distances, its best `min(ef, ⌈rerank·k⌉)` elements are measured
 * against the float32 vectors, and the k best of those are written to `outIds` / `outDist` at
 * `outOff` with exact reported distances. `rerank = 0` skips the re-rank and returns the
 * quantized distances. Filters, deletions and `stats` take the checked path (`searchChecked`,
 * on codes); `stats.distanceComputations` then also counts the exact re-rank distances.
 */
export function quantizedSearchInto(
  s: HnswState,
  query: Float32Array,
  qOff: number,
  k: number,
  ef: number,
  rerank: number,
  filter: HnswFilter | undefined,
  stats: SearchStats | undefined,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
): void {
  const q = s.quant as QuantizedSearch;
  const kr = rerank === 0 ? k : Math.max(k, Math.min(ef, Math.ceil(rerank * k)));
  if (q.candIds.length < kr) {
    q.candIds = new Int32Array(kr);
    q.candDist = new Float32Array(kr);
  }
  const candIds = rerank === 0 ? outIds : q.candIds;
  const candDist = rerank === 0 ? outDist : q.candDist;
  const candOff = rerank === 0 ? outOff : 0;
  const floatDc = s.dc;
  s.dc = q.dc;
  try {
    if (filter === undefined && stats === undefined && !s.graph.linkedDeletes) {
      const W = s.results;
      W.clear();
      const ep = s.graph.entryPoint;
      if (ep >= 0) {
        q.dc.setQuery(query, qOff);
        greedyDescend(s, ep, q.dc.distanceTo(ep), s.graph.maxLevel, 0);
        searchLayer(s, s.greedyId, s.greedyDist, ef, 0);
        while (W.size > kr) W.pop();
      }
      drainToRow(W, s.policy, kr, candIds, candDist, candOff);
    } else {
      searchChecked(s, query, qOff, kr, ef, filter, stats, null, candIds, candDist, candOff);
    }
  } finally {
    s.dc = floatDc;
  }
  if (rerank === 0) return;
  const exact = q.refiner.refineInto(query, qOff, candIds, 0, kr, k, outIds, outDist, outOff);
  if (stats !== undefined) stats.distanceComputations += exact;
}
