/**
 * Exact nearest-neighbour search by comparing the query with every stored vector: the
 * baseline every approximate index is measured against, and the oracle annlab's tests use.
 * FAISS calls it `IndexFlat`, hnswlib `BruteforceSearch`.
 *
 * Three paths compute the same answer:
 *
 * - **One query** ({@link FlatIndex.searchInto}): one pass over the rows in blocks, each
 *   block's distances from the metric's range kernel, each offered to a bounded max-heap of
 *   the k best (the heap's top is the current k-th distance, so most rows cost one compare).
 * - **Batch on the SIMD backend** (`search` with more than one query): FAISS's
 *   `exhaustive_L2sqr_blas`. Inner products of 64 queries × a block of rows come from a
 *   register-blocked WebAssembly SIMD matrix product (`assembly/gemm.ts`); with the row norms
 *   kept since `add` and the query norms, ‖q‖² + ‖x‖² − 2⟨q,x⟩ chooses k′ > k candidates per
 *   query under a proven error bound, whose distances are then recomputed exactly with the
 *   one-query kernels; the result is certified equal to the one-query path's, ids and
 *   distances, or the query is re-answered by that path (`src/internal/blas-batch.ts`).
 * - **Batch on the `'js'` backend** (the readable reference): tiles queries × rows so that
 *   each block of rows is read from memory once per block of 64 queries rather than once
 *   per query, the 4 × 2 register-blocked `distanceTileInto` computing exact distances (no
 *   norm expansion) for every pair.
 *
 * All paths break ties by the smaller id. The SIMD batch equals the SIMD one-query path bit
 * for bit. The JS reference sums in float64 where the SIMD kernels sum in float32, so across
 * backends distances differ in the last bits of a float and two near-equal neighbours may
 * swap; exactly equal vectors never do.
 *
 * @module
 */
import {
  AnnlabError,
  BinaryReader,
  BinaryWriter,
  DistanceComputer,
  MaxHeap,
  PROGRESS_EVERY,
  asCorruptData,
  beginAdd,
  checkId,
  checkIndexOptions,
  checkK,
  checkSearchParams,
  checkVectors,
  createSearchResult,
  distanceTileInto,
  drainToRow,
  metricPolicy,
  normalizeInPlace,
  stableInput,
  VectorStore,
  grownArray,
  type AddOptions,
  type AnnIndex,
  type IndexClass,
  type IndexOptions,
  type LoadOptions,
  type MemoryReport,
  type Metric,
  type MetricPolicy,
  type Reconstructible,
  type SearchParams,
  type SearchResult,
} from '@annlab/core';
import { searchBlas } from './internal/blas-batch.js';

/** Options for {@link FlatIndex}: only the common `dim`, `metric` and `seed` (unused: flat search is deterministic). */
export type FlatIndexOptions = IndexOptions;

/** Search parameters for {@link FlatIndex}. */
export interface FlatSearchParams extends SearchParams {
  /**
   * Force the one-query path even for a batch (for measuring it). By default a batch of
   * more than one query takes the batch path (the matrix-product path on the SIMD backend,
   * the tiled reference on `'js'`); the answer is the same, the batch path several times faster.
   * @defaultValue false
   */
  oneByOne?: boolean;
}

const OPTION_KEYS = ['dim', 'metric', 'seed', 'kernels'] as const;
const SEARCH_KEYS = ['stats', 'oneByOne'] as const;
/** Queries per batch tile: their heaps and a copy of them stay in cache. */
const QUERY_BLOCK = 64;
/** Target bytes of base rows per tile (about half an L2 cache). */
const ROW_BLOCK_BYTES = 256 * 1024;
/** Rows per block on the one-query path. */
const SCAN_BLOCK = 1024;

/**
 * Exact search over all stored vectors: the oracle the other indexes are tested against.
 *
 * @example
 * ```ts
 * import { FlatIndex } from '@annlab/flat';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const index = new FlatIndex({ dim, metric: 'euclidean' });
 * index.add(vectors);                                  // ids 0..999
 * const queries = vectors.subarray(0, 2 * dim);        // two queries, row-major
 * const { ids, distances } = index.search(queries, 10);
 * // ids[0] === 0, distances[0] === 0: a stored vector finds itself; query 1's row starts at ids[10]
 * const again = FlatIndex.deserialize(index.serialize());
 * again.search(queries, 10);                           // the same ids and distances
 * ```
 */
export class FlatIndex implements AnnIndex<FlatSearchParams>, Reconstructible, MemoryReport {
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'flat';
  /** Format version written by {@link FlatIndex.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by. */
  readonly metric: Metric;
  /** The stored vectors (normalised for cosine), row i at `i * dim`. */
  readonly store: VectorStore;
  private readonly policy: MetricPolicy;
  private readonly dc: DistanceComputer;
  private readonly heap: MaxHeap;
  /** One-query scratch: distances for one block of rows, length `SCAN_BLOCK`. */
  private readonly scan: Float64Array;
  /**
   * ‖x‖² of every stored row (float64 sums of the stored float32 values, normalised rows for
   * cosine), computed at add time for the batch path's norm expansion; length ≥ `size`
   * (doubling capacity), entry i for row i.
   */
  private norms: Float64Array;
  /** The largest entry of {@link FlatIndex.norms} in use (0 when empty). */
  private maxNorm: number;
  private rescanCount: number;
  /** Rows whose norm is in {@link FlatIndex.norms}. */
  private normCount: number;

  /** @param options - `dim` (required), `metric` (default `'euclidean'`), `kernels`; `seed` is checked but unused. */
  constructor(options: FlatIndexOptions) {
    const o = checkIndexOptions(options, OPTION_KEYS, 'FlatIndex');
    this.dim = o.dim;
    this.metric = o.metric;
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels: o.kernels });
    this.dc = new DistanceComputer(this.store, this.policy);
    this.heap = new MaxHeap(16);
    this.scan = new Float64Array(SCAN_BLOCK);
    this.norms = new Float64Array(0);
    this.maxNorm = 0;
    this.rescanCount = 0;
    this.normCount = 0;
  }

  /**
   * Queries that batch searches on the SIMD backend answered with a full one-query scan,
   * because the norm-expansion error bound could not certify their candidates (data far from
   * the origin against its spread, many near-duplicates); counted since construction. The
   * answers are exact either way; a high count only means that data loses the batch speed-up.
   */
  get batchRescans(): number {
    return this.rescanCount;
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.store.size;
  }

  /**
   * Add `n × dim` vectors; ids continue from `size`. Nothing is stored if any value is invalid.
   *
   * `options.onProgress(done, total)` is called after every {@link PROGRESS_EVERY} rows and at
   * the end, with `total = n` (rows of this call). Flat adds incrementally: a callback that
   * throws stops the add there, and the index holds exactly the rows copied before it.
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    const { n, onProgress } = beginAdd(vectors, this.dim, options, 'FlatIndex.add options');
    if (n === 0) return;
    // A view of this store's own rows (add(store.view())) would be detached by the growth.
    const src = stableInput(vectors);
    if (onProgress === null) {
      this.store.append(src);
      this.updateNorms();
      return;
    }
    // One reservation for the whole batch: the allocation is the same as without a callback.
    this.store.reserve(this.store.size + n);
    for (let done = 0; done < n; ) {
      const count = Math.min(PROGRESS_EVERY, n - done);
      this.store.append(src, done * this.dim, count);
      this.updateNorms();
      done += count;
      onProgress(done, n);
    }
  }

  /** Extend {@link FlatIndex.norms} to every stored row (rows past the ones already normed). */
  private updateNorms(): void {
    const n = this.store.size;
    const dim = this.dim;
    const data = this.store.data;
    let from = this.normCount;
    const norms = grownArray(this.norms, n);
    let max = this.maxNorm;
    for (; from < n; from++) {
      let s = 0;
      for (let t = from * dim, end = t + dim; t < end; t++) s += data[t] * data[t];
      norms[from] = s;
      if (s > max) max = s;
    }
    this.norms = norms;
    this.maxNorm = max;
    this.normCount = n;
  }

  /**
   * The k nearest stored vectors of each query, exactly.
   *
   * @param queries - `nq × dim` row-major.
   * @param k - neighbours per query; rows are padded with −1/+Infinity when `k > size`.
   * @param params - `stats` to count distance computations; `oneByOne` to skip tiling.
   */
  search(queries: Float32Array, k: number, params?: FlatSearchParams): SearchResult {
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const p = checkSearchParams<FlatSearchParams>(params, SEARCH_KEYS, 'FlatIndex.search params');
    if (p.oneByOne !== undefined && typeof p.oneByOne !== 'boolean') {
      throw new AnnlabError('INVALID_PARAMETER', `FlatIndex.search params: oneByOne must be true or false, got ${String(p.oneByOne)}.`);
    }
    const result = createSearchResult(nq, k);
    if (this.store.size === 0 || nq === 0) return result;
    // A self-join (search(store.view())) reads the store's wasm memory, which the batch
    // kernels' scratch may grow: search a copy then.
    queries = stableInput(queries);
    if (nq === 1 || p.oneByOne === true) {
      for (let q = 0; q < nq; q++) this.searchInto(queries, q * this.dim, k, result.ids, result.distances, q * k, p);
    } else {
      const rescans = searchBlas(
        this.store,
        this.policy,
        this.dc,
        this.norms,
        this.maxNorm,
        this,
        queries,
        nq,
        k,
        result.ids,
        result.distances,
      );
      if (rescans >= 0) this.rescanCount += rescans;
      else this.searchBatch(queries, nq, k, result.ids, result.distances);
      const stats = p.stats;
      if (stats !== undefined) {
        stats.queries += nq;
        stats.distanceComputations += nq * this.store.size;
      }
    }
    return result;
  }

  /**
   * One query, written into caller-owned output (no allocation): the k nearest of
   * `query[qOff .. qOff + dim)` go to `outIds`/`outDist` at `outOff`, ascending, padded.
   * Inputs are not validated here; `search` does that. Of `params` only `stats` is read.
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params?: FlatSearchParams,
  ): void {
    const stats = params === undefined ? undefined : params.stats;
    const dc = this.dc;
    const heap = this.heap;
    const scan = this.scan;
    const n = this.store.size;
    dc.setQuery(query, qOff);
    heap.clear();
    let worst = Infinity;
    for (let start = 0; start < n; start += SCAN_BLOCK) {
      const count = Math.min(SCAN_BLOCK, n - start);
      dc.distancesToRange(start, count, scan, 0);
      for (let r = 0; r < count; r++) {
        const d = scan[r];
        // Ids arrive in increasing order, so an equal distance never beats the current worst.
        if (d < worst) {
          heap.offer(d, start + r, k);
          if (heap.size === k) worst = heap.dist[0];
        }
      }
    }
    drainToRow(heap, this.policy, k, outIds, outDist, outOff);
    if (stats !== undefined) {
      stats.queries++;
      stats.distanceComputations += n;
    }
  }

  /**
   * The tiled batch path, the readable reference (the `'js'` backend, or a store too large
   * for WebAssembly memory): blocks of QUERY_BLOCK queries × blocks of rows, exact distances.
   */
  private searchBatch(queries: Float32Array, nq: number, k: number, outIds: Int32Array, outDist: Float32Array): void {
    const dim = this.dim;
    const n = this.store.size;
    const kind = this.policy.kind;
    const bias = this.policy.bias;
    let rowBlock = Math.max(2, Math.floor(ROW_BLOCK_BYTES / (4 * dim)));
    rowBlock = Math.min(rowBlock & ~1, Math.max(2, n + (n & 1)));
    const qbuf = new Float32Array(QUERY_BLOCK * dim);
    const tile = new Float64Array(QUERY_BLOCK * rowBlock);
    const heaps: MaxHeap[] = [];
    for (let i = 0; i < QUERY_BLOCK; i++) heaps.push(new MaxHeap(k));
    const worst = new Float64Array(QUERY_BLOCK);

    for (let q0 = 0; q0 < nq; q0 += QUERY_BLOCK) {
      const qb = Math.min(QUERY_BLOCK, nq - q0);
      qbuf.set(queries.subarray(q0 * dim, (q0 + qb) * dim));
      if (this.policy.normalize) for (let i = 0; i < qb; i++) normalizeInPlace(qbuf, i * dim, dim);
      for (let i = 0; i < qb; i++) heaps[i].clear();
      worst.fill(Infinity);
      for (let start = 0; start < n; start += rowBlock) {
        const count = Math.min(rowBlock, n - start);
        distanceTileInto(this.store, kind, bias, qbuf, 0, qb, start, count, tile);
        for (let i = 0; i < qb; i++) {
          const heap = heaps[i];
          let w = worst[i];
          const base = i * count;
          for (let r = 0; r < count; r++) {
            const d = tile[base + r];
            if (d < w) {
              heap.offer(d, start + r, k);
              if (heap.size === k) w = heap.dist[0];
            }
          }
          worst[i] = w;
        }
      }
      for (let i = 0; i < qb; i++) drainToRow(heaps[i], this.policy, k, outIds, outDist, (q0 + i) * k);
    }
  }

  /** A copy of stored vector `id` (unit-normalised for cosine). */
  reconstruct(id: number): Float32Array {
    return this.store.row(checkId(id, this.store.size));
  }

  /**
   * Bytes allocated: the vector storage's capacity (it doubles as it grows) plus search
   * scratch. {@link FlatIndex.usedBytes} is what the index uses.
   */
  memoryBytes(): number {
    return this.store.memoryBytes() + this.norms.byteLength + this.scan.byteLength + this.heap.dist.byteLength + this.heap.ids.byteLength;
  }

  /**
   * Bytes used: the vectors, `n × dim × 4`, and their norms for the batch path, `n × 8`
   * (no spare capacity, no scratch).
   */
  usedBytes(): number {
    return this.store.usedBytes() + this.size * 8;
  }

  /** The index as an annlab file: parameters, then the `size × dim` vectors. */
  serialize(): Uint8Array {
    const w = new BinaryWriter(FlatIndex.TAG, FlatIndex.FORMAT_VERSION);
    w.json({ dim: this.dim, metric: this.metric });
    w.array(this.store.view());
    return w.finish();
  }

  /**
   * Load an index written by {@link FlatIndex.serialize}. On the `'js'` backend the vectors
   * are a zero-copy view into `bytes` when it is 4-byte aligned (on `'simd'` they are copied
   * into WebAssembly memory). Damaged or foreign bytes throw `AnnlabError`.
   *
   * @param options - `kernels` for the loaded index (default `'auto'`, as for a new index).
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): FlatIndex {
    const r = BinaryReader.open(bytes, FlatIndex.TAG);
    r.expectVersion(FlatIndex.FORMAT_VERSION);
    const params = r.json<{ dim?: unknown; metric?: unknown } | null>() ?? {};
    const index = asCorruptData(
      'flat index file',
      () => new FlatIndex({ dim: params.dim as number, metric: params.metric as Metric, kernels: options.kernels }),
    );
    const data = r.f32array();
    r.finish();
    if (data.length % index.dim !== 0) {
      throw new AnnlabError('CORRUPT_DATA', `flat index file holds ${data.length} values, not a multiple of dim = ${index.dim}.`);
    }
    // The range check add() applies (|x| ≤ 1e15, no vanishing rows): adopt() refuses with
    // CORRUPT_DATA what could not have been added.
    VectorStore.adopt(index.dim, data, false, 'js');
    // Rows are stored as written (already normalised for cosine): adopt them, never re-append.
    index.store.data = data;
    index.store.size = data.length / index.dim;
    index.updateNorms();
    return index;
  }
}

FlatIndex satisfies IndexClass<FlatIndex>;
