/**
 * The Index contract shared by every annlab algorithm (FAISS's `Index`, hnswlib's
 * `AlgorithmInterface`): one options object at construction, `add` with implicit dense ids,
 * batched `search` returning row-major `nq × k` results, `serialize`, `memoryBytes`.
 *
 * Data convention, stated once: `n` vectors of dimension `dim` form one row-major
 * `Float32Array` of length `n * dim`; component `j` of vector `i` is at `x[i * dim + j]`.
 *
 * @module
 */

/**
 * Distance used by an index. Reported distances are always "smaller is closer":
 *
 * - `euclidean`: the true L2 distance ‖q − x‖ (not squared; squared L2 is used internally).
 * - `cosine` (ann-benchmarks' "angular"): 1 − cos(q, x), in [0, 2]. Vectors are normalised
 *   to unit length when added and queries when searched; an all-zero vector stays zero and
 *   is at cosine distance 1 from everything.
 * - `inner-product`: −⟨q, x⟩ (maximum inner product search as a minimisation).
 */
export type Metric = 'euclidean' | 'cosine' | 'inner-product';

/** All metrics, in a stable order. */
export const METRICS: readonly Metric[] = ['euclidean', 'cosine', 'inner-product'];

/**
 * The answer to a batch of queries: row-major `nq × k`, each row ascending by distance with
 * ties broken by the smaller id, padded with id −1 and distance +Infinity when fewer than k
 * results exist.
 */
export interface SearchResult {
  /** Number of queries (rows). */
  readonly nq: number;
  /** Results per query (columns). */
  readonly k: number;
  /** Result ids, length `nq * k`, row-major; −1 marks padding. */
  readonly ids: Int32Array;
  /** Reported distances (see {@link Metric}), length `nq * k`; +Infinity marks padding. */
  readonly distances: Float32Array;
}

/**
 * Work counters for one or more searches, for learners and for the harness. Pass an
 * instance in the search parameters to have it filled; searches without one take the fast
 * path and count nothing. Counters accumulate across calls until {@link SearchStats.reset}.
 */
export class SearchStats {
  /** Number of query-to-vector distance evaluations. */
  distanceComputations: number;
  /** Graph hops or tree nodes expanded (algorithm-specific; 0 where meaningless). */
  hops: number;
  /** Number of queries counted. */
  queries: number;

  constructor() {
    this.distanceComputations = 0;
    this.hops = 0;
    this.queries = 0;
  }

  /** Set every counter back to zero. */
  reset(): void {
    this.distanceComputations = 0;
    this.hops = 0;
    this.queries = 0;
  }
}

/** Search-time knobs common to every index; algorithms extend this with their own. */
export interface SearchParams {
  /** When given, the search adds its work counters here (slower instrumented path). */
  stats?: SearchStats;
}

/**
 * Which implementation of the distance kernels an index runs on, chosen once at
 * construction:
 *
 * - `'js'`: the plain TypeScript kernels in `metrics.ts` / `kernels.ts` (the readable reference).
 * - `'simd'`: WebAssembly SIMD kernels, with the vectors stored in WebAssembly memory.
 * - `'auto'`: `'simd'` where the runtime supports it, else `'js'`.
 */
export type KernelBackend = 'auto' | 'js' | 'simd';

/** Construction options common to every index. */
export interface IndexOptions {
  /** Vector dimension; every added vector and query must have exactly this many components. */
  dim: number;
  /**
   * Distance to search by.
   * @defaultValue `'euclidean'`
   */
  metric?: Metric;
  /**
   * Seed for every random choice the build makes; the same seed and inputs give
   * byte-identical serialized indexes.
   * @defaultValue 42
   */
  seed?: number;
  /**
   * Distance-kernel implementation (see {@link KernelBackend}); results are the same up to
   * floating-point summation order, only speed differs.
   * @defaultValue `'auto'`
   */
  kernels?: KernelBackend;
}

/**
 * The contract every annlab index implements.
 *
 * @typeParam P - the index's search parameters.
 */
export interface AnnIndex<P extends SearchParams = SearchParams> {
  /** Vector dimension. */
  readonly dim: number;
  /** Distance the index searches by. */
  readonly metric: Metric;
  /** Number of searchable (live) vectors. */
  readonly size: number;
  /**
   * Add `n × dim` row-major vectors; their ids continue densely from the current id count.
   * On error the index is left exactly as it was.
   */
  add(vectors: Float32Array): void;
  /** Search `nq × dim` row-major queries for their k nearest stored vectors. */
  search(queries: Float32Array, k: number, params?: P): SearchResult;
  /** The index as bytes (magic, version, algorithm tag, parameters, arrays, CRC32). */
  serialize(): Uint8Array;
  /** Bytes held by the index's typed arrays (vectors, links, codes, scratch). */
  memoryBytes(): number;
}

/** An index that must learn from data (k-means centroids, codebooks, PCA) before adding. */
export interface TrainableIndex<P extends SearchParams = SearchParams> extends AnnIndex<P> {
  /** True once `train` has run (explicitly, or implicitly on the first `add`). */
  readonly isTrained: boolean;
  /** Learn the index's parameters from `n × dim` row-major training vectors. */
  train(vectors: Float32Array): void;
}
