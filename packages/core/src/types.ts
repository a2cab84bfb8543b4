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
 * Options of {@link AnnIndex.add}: a progress callback for long builds.
 *
 * Indexes call `onProgress(done, total)` about every few thousand vectors (or every training
 * iteration, tree or pass), never inside a hot loop, so it costs nothing measurable, and once
 * at the end with `done === total`; `done` never decreases. `total` is the work of this `add`
 * call: the number of vectors, plus the training or build steps where an index counts them
 * (each index's `add` documents its unit). An index that does not report progress ignores
 * the option, so callers must cope with no call at all (show elapsed time).
 *
 * An exception thrown by the callback stops the add there and propagates to the caller. What
 * the index then holds depends on how it builds, and each index's `add` documentation says
 * which of the two it gives:
 *
 * - **incremental** indexes (vectors inserted one after another: flat, HNSW, the forest,
 *   IVF once trained, incremental Vamana) are consistent and hold exactly the vectors added
 *   before that point, as if `add` had been called with only them;
 * - **one-step** indexes (those that train or build over the whole batch before committing
 *   anything) are left exactly as they were before the call, like any other failed add.
 */
export interface AddOptions {
  /** Called with the work done so far and the total work of this `add` call. */
  onProgress?: (done: number, total: number) => void;
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
   * On invalid input the index is left exactly as it was. `options.onProgress`, when given
   * and supported, reports progress; for what a throwing callback leaves, see {@link AddOptions}.
   */
  add(vectors: Float32Array, options?: AddOptions): void;
  /** Search `nq × dim` row-major queries for their k nearest stored vectors. */
  search(queries: Float32Array, k: number, params?: P): SearchResult;
  /**
   * Search one query, writing its k results into caller-owned arrays (the out-first form of
   * gl-matrix; `search` loops over it). The query is `query[qOff … qOff + dim)`; results go to
   * `outIds[outOff … outOff + k)` and `outDist[outOff … outOff + k)`, ascending, padded with
   * −1 / +Infinity. Inputs are not validated here (that is `search`'s job): call `search`
   * unless you own the validation, as the harness and batch runners do.
   */
  searchInto(query: Float32Array, qOff: number, k: number, outIds: Int32Array, outDist: Float32Array, outOff: number, params?: P): void;
  /** The index as bytes (magic, version, algorithm tag, parameters, arrays, CRC32). */
  serialize(): Uint8Array;
  /**
   * Bytes allocated by the index's typed arrays (vectors, links, codes, scratch), spare
   * capacity included; see {@link MemoryReport.usedBytes} for what the index uses.
   */
  memoryBytes(): number;
}

/**
 * Capability: the index reports the bytes its structures use for the vectors it holds
 * (FAISS-style formulas: rows × stride for every growable array, fixed tables whole, no
 * scratch and no spare capacity), beside {@link AnnIndex.memoryBytes}, which is the
 * allocation (growable arrays double as they grow, so it can be up to about twice as much).
 */
export interface MemoryReport {
  /** Bytes used by the index's structures for what it holds; each index documents its formula. */
  usedBytes(): number;
}

/** An index that must learn from data (k-means centroids, codebooks, PCA) before adding. */
export interface TrainableIndex<P extends SearchParams = SearchParams> extends AnnIndex<P> {
  /** True once `train` has run (explicitly, or implicitly on the first `add`). */
  readonly isTrained: boolean;
  /** Learn the index's parameters from `n × dim` row-major training vectors. */
  train(vectors: Float32Array): void;
}

/** Options every `deserialize` accepts (one shape for every index class). */
export interface LoadOptions {
  /**
   * Distance-kernel implementation for the loaded index (see {@link KernelBackend}).
   * @defaultValue `'auto'` — the same backend a freshly built index gets, so a reloaded
   * index returns the same distances as the one that was saved.
   */
  kernels?: KernelBackend;
}

/**
 * The static side of an index class: its file tag and version and its loader. Registries
 * (the harness, the CLI, `PreTransformIndex`'s inner loaders) hold values of this type, so
 * a change to a loader's signature fails to compile in every consumer.
 *
 * @typeParam I - the instance type the loader returns.
 */
export interface IndexClass<I extends AnnIndex = AnnIndex> {
  /** Algorithm tag written in the file header. */
  readonly TAG: string;
  /** Format version the class writes (and the newest it reads). */
  readonly FORMAT_VERSION: number;
  /** Load an index written by `serialize`; refuses damaged or foreign bytes with `CORRUPT_DATA`. */
  deserialize(bytes: Uint8Array, options?: LoadOptions): I;
}

/** Capability: the stored vector of an id can be read back (FAISS `reconstruct`). */
export interface Reconstructible {
  /**
   * A copy of vector `id` as stored (normalised for cosine; decoded for lossy codes).
   * Throws `INVALID_PARAMETER` for an id that is out of range or deleted.
   */
  reconstruct(id: number): Float32Array;
}

/** Capability: ids can be removed (FAISS `remove_ids`, hnswlib `markDelete`). */
export interface Deletable {
  /** Number of ids ever assigned (live and deleted); new ids continue from here. */
  readonly idCount: number;
  /** True when `id` was assigned and is not deleted. */
  has(id: number): boolean;
  /**
   * Remove one id or many. All ids are checked first (integers in range, live, no
   * repeats); on error nothing is deleted.
   */
  delete(ids: number | ArrayLike<number>): void;
}

/** The common part of every `explain` answer: the one query's results. */
export interface Explanation {
  /** The k results of the explained query (1 × k). */
  readonly result: SearchResult;
}

/**
 * Capability: one query's search, recorded for teaching and for the pictures of
 * `annlab explain` (the path per layer, the leaves visited, the cells probed).
 *
 * @typeParam P - the index's search parameters.
 * @typeParam E - the index's explanation, extending {@link Explanation}.
 */
export interface Explainable<P extends SearchParams, E extends Explanation> {
  /** Run one query (`dim` values) as `search` would and record what it did. */
  explain(query: Float32Array, k: number, params?: P): E;
}

/** What `checkInvariants` found; indexes extend it with their own counts. */
export interface InvariantReport {
  /** True when no violation was found. */
  ok: boolean;
  /** Violations found, each one sentence (at most 50 are listed). */
  errors: string[];
}

/** Capability: the index can check its own structure (hnswlib's `checkIntegrity`). */
export interface InvariantCheckable<R extends InvariantReport = InvariantReport> {
  /** Check every structural invariant; reports, never throws, for a damaged structure. */
  checkInvariants(): R;
}
