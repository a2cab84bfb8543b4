/**
 * Hierarchical Navigable Small World graphs: a stack of proximity graphs in which every
 * point lives on level 0 and, with exponentially decaying probability, on a few levels
 * above it. A query walks greedily through the sparse upper levels to find a good entry
 * point, then runs a best-first beam search of width `efSearch` on the dense bottom level.
 * New points are inserted with the same search, and linked to a *diverse* set of close
 * neighbours (the neighbour-selection heuristic), which keeps the graph navigable on
 * clustered data. Cost per query grows roughly logarithmically with the number of points.
 *
 * Citation: Yu. A. Malkov and D. A. Yashunin, "Efficient and robust approximate nearest
 * neighbor search using Hierarchical Navigable Small World graphs", IEEE TPAMI 42(4), 2020,
 * arXiv:1603.09320. Layout and several engineering choices follow hnswlib (nmslib/hnswlib).
 *
 * This file is the public facade; each paper step has its own file:
 * - Alg. 1 INSERT → `insert.ts` (`insertNode`, `linkNode`, `addReverseLink`; level draw
 *   `drawLevel`, `l = ⌊−ln(unif(0..1)) · mL⌋`, mL = 1/ln M), the readable reference; on the
 *   SIMD backend `add` runs the same steps in WebAssembly (`assembly/insert.ts`, driven by
 *   `internal/wasm-insert.ts`), and `addAsync` runs them on a pool's threads at once
 *   (`parallel-insert.ts`, hnswlib's `add_items(num_threads)`).
 * - Alg. 2 SEARCH-LAYER → `search-layer.ts` (`searchLayer`, the query-time fast path;
 *   `searchLayerChecked`, the same loop for INSERT and for filters, deletions, counters and
 *   traces; with ef = 1 the greedy walk `greedyClosest`, as in hnswlib).
 * - Alg. 3 SELECT-NEIGHBORS-SIMPLE and Alg. 4 SELECT-NEIGHBORS-HEURISTIC →
 *   `select-neighbors.ts` (`selectNeighborsSimple`, `selectNeighborsHeuristic`, the default).
 * - Alg. 5 K-NN-SEARCH → `knn-search.ts` (`knnSearch`, reached by {@link HnswIndex.searchInto};
 *   `searchChecked` for filters with the scan-or-graph cost model).
 * - The typed-array layout → `graph-layout.ts`; deletion, update and compaction →
 *   `maintenance.ts`; search traces → `explain.ts`; graph checks → `invariants.ts`; save and
 *   load → `persistence.ts`; the state those functions share → `hnsw-state.ts`.
 *
 * Deviations from the paper, stated honestly:
 * - Mmax0 = 2·M on level 0 and Mmax = M above (the paper's recommendation, as hnswlib).
 * - Alg. 1 passes the whole result set W of one level as entry points to the next; here
 *   only its closest element is passed (hnswlib).
 * - Alg. 4 keeps a candidate e when it is closer to the base than to every kept neighbour
 *   (strict "closer"); here, as in hnswlib, e is dropped only when some kept neighbour is
 *   *strictly* closer to it than the base is. The two differ only on ties, but ties are
 *   exactly what exact duplicates produce (see below). `extendCandidates` and
 *   `keepPrunedConnections` are not implemented (both off, as in hnswlib). When fewer than M
 *   candidates are offered they are all kept without pruning (hnswlib).
 * - When a neighbour's list overflows after a new reverse link, it is shrunk with the
 *   heuristic over its old list plus the new node (hnswlib's
 *   `getNeighborsByHeuristic2` in `mutuallyConnectNewElement`); the paper's Alg. 1 writes
 *   SELECT-NEIGHBORS, which admits either variant.
 * - Exact duplicates (hnswlib issue #263): with thousands of identical points every
 *   distance inside the block is 0, the beam search always returns the same oldest copies,
 *   and new copies lose their in-links as those few lists churn, so most copies become
 *   unreachable. Here ties are broken towards newer ids while inserting (W keeps the most
 *   recent copies it meets; neighbour lists keep the newest copies when shrunk), at most
 *   ⌊M/2⌋ links of a list go to copies of the node itself, and a copy never blocks another
 *   candidate in the heuristic (hnswlib's non-strict rule). Each copy then links to its
 *   recent predecessors, which keeps the block connected and leaves room for links out.
 * - Deletion is by marking (hnswlib's `markDelete`): deleted nodes are still traversed but
 *   never returned; {@link HnswIndex.compact} reconnects around them and unlinks them.
 *
 * @module
 */
import {
  AnnlabError,
  asCorruptData,
  beginAdd,
  checkDim,
  checkId,
  checkInteger,
  checkK,
  checkKernelBackend,
  checkKnownKeys,
  checkMetric,
  checkOptions,
  checkSeed,
  checkVectors,
  createSearchResult,
  splitPoolOptions,
  stableInput,
  type AddOptions,
  type AnnIndex,
  type Deletable,
  type Explainable,
  type InvariantCheckable,
  type LoadOptions,
  type MemoryReport,
  type Metric,
  type Reconstructible,
  type SearchResult,
} from '@annlab/core';
import { explain } from './explain.js';
import { HnswState } from './hnsw-state.js';
import { addRows } from './insert.js';
import { addRowsParallel } from './parallel-insert.js';
import { checkInvariants } from './invariants.js';
import { DEFAULT_EF_SEARCH, checkHnswSearchParams, knnSearch, searchChecked } from './knn-search.js';
import { compact, deleteIds, updateVector } from './maintenance.js';
import { HNSW_FORMAT_VERSION, HNSW_TAG, openFile, restoreState, serializeState } from './persistence.js';
import { DEFAULT_RERANK, QuantizedSearch, quantizedSearchInto, reencodeRow, syncCodes } from './quantized-search.js';
import type {
  HnswAddAsyncOptions,
  HnswExplanation,
  HnswIndexOptions,
  HnswInvariantReport,
  HnswQuantizer,
  HnswSearchParams,
  NeighborSelection,
} from './types.js';

/** Largest `capacity` accepted (the index still grows past it by doubling). */
export const MAX_CAPACITY: number = 1 << 20;
/**
 * Most 4-byte values allocated up front: `capacity × (dim + 2M + 1)` (vectors and level-0
 * links) stays within 2^28, i.e. 1 GiB, so an accepted capacity can always be allocated.
 */
export const MAX_UP_FRONT_VALUES: number = 1 << 28;
/** The default capacity, lowered where the 1 GiB up-front limit needs it. */
const DEFAULT_CAPACITY = 1024;

/**
 * Check `capacity` (default 1024, lowered to fit): an integer in [1, 2^20] whose up-front
 * allocation, `capacity × (dim + 2M + 1)` 4-byte values, stays within 2^28 (1 GiB).
 */
function checkCapacity(value: unknown, dim: number, M: number): number {
  const perNode = dim + 2 * M + 1;
  const fit = Math.max(1, Math.floor(MAX_UP_FRONT_VALUES / perNode));
  if (value === undefined) return Math.min(DEFAULT_CAPACITY, fit);
  const capacity = checkInteger('capacity', value, 1, MAX_CAPACITY);
  if (capacity > fit) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `capacity ${capacity} would allocate ${capacity} × (dim + 2M + 1) = ${capacity * perNode} values up front, more than the limit of 2^28 (1 GiB); ` +
        `with dim = ${dim} and M = ${M} pass at most ${fit}. The index grows past its capacity by doubling, so a smaller one only costs a few reallocations.`,
    );
  }
  return capacity;
}

const OPTION_KEYS = ['dim', 'metric', 'seed', 'kernels', 'M', 'efConstruction', 'neighborSelection', 'capacity', 'quantizer'] as const;
const LOAD_KEYS = ['kernels'] as const;
/** The parameters `searchInto` uses when none are given (never mutated). */
const NO_PARAMS: HnswSearchParams = Object.freeze({});

/**
 * An HNSW index over typed arrays (layout: `graph-layout.ts`; vectors in core's
 * `VectorStore`, distances through its `DistanceComputer`).
 *
 * @example
 * ```ts
 * import { HnswIndex } from '@annlab/hnsw';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const index = new HnswIndex({ dim, metric: 'euclidean', M: 16, efConstruction: 100, seed: 1 });
 * index.add(vectors);                                  // inserts one by one; add more later
 * const queries = vectors.subarray(0, 5 * dim);
 * const r = index.search(queries, 10, { efSearch: 64 }); // larger efSearch: higher recall, slower
 * const again = HnswIndex.deserialize(index.serialize());
 * again.search(queries, 10, { efSearch: 64 });         // identical to r
 * ```
 */
export class HnswIndex
  implements
    AnnIndex<HnswSearchParams>,
    Deletable,
    Reconstructible,
    Explainable<HnswSearchParams, HnswExplanation>,
    InvariantCheckable<HnswInvariantReport>,
    MemoryReport
{
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = HNSW_TAG;
  /** Format version written by {@link HnswIndex.serialize} (version 1 files are still read). */
  static readonly FORMAT_VERSION: number = HNSW_FORMAT_VERSION;

  private readonly s: HnswState;
  /** True while an {@link HnswIndex.addAsync} on a pool runs (every other call is refused). */
  private building: boolean;

  /** @param options - see {@link HnswIndexOptions}; `dim` is required. */
  constructor(options: HnswIndexOptions) {
    checkOptions(options, 'HnswIndex');
    checkKnownKeys(options, OPTION_KEYS, 'HnswIndex');
    const dim = checkDim(options.dim);
    const metric = checkMetric(options.metric);
    const M = checkInteger('M', options.M ?? 16, 2, 1000);
    const efConstruction = checkInteger('efConstruction', options.efConstruction ?? 200, 1, 1 << 20);
    const seed = checkSeed(options.seed ?? 42);
    const neighborSelection = options.neighborSelection ?? 'heuristic';
    if (neighborSelection !== 'heuristic' && neighborSelection !== 'simple') {
      throw new AnnlabError('INVALID_PARAMETER', `neighborSelection must be 'heuristic' or 'simple', got ${String(neighborSelection)}.`);
    }
    const capacity = checkCapacity(options.capacity, dim, M);
    const quantizer = options.quantizer ?? 'none';
    if (quantizer !== 'none' && quantizer !== 'sq8' && quantizer !== 'sq4') {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `quantizer must be 'none', 'sq8' or 'sq4', got ${typeof quantizer === 'string' ? `'${quantizer}'` : String(quantizer)}.`,
      );
    }
    this.building = false;
    this.s = new HnswState({ dim, metric, M, efConstruction, seed, neighborSelection, capacity, kernels: options.kernels });
    if (quantizer !== 'none') this.s.quant = new QuantizedSearch(quantizer, this.s.store, this.s.policy, options.kernels);
  }

  /** How the vectors are searched: `'none'` (float32), `'sq8'` or `'sq4'` (codes, then an exact re-rank). */
  get quantizer(): HnswQuantizer {
    return this.s.quant === null ? 'none' : this.s.quant.kind;
  }

  /** Vector dimension. */
  get dim(): number {
    return this.s.dim;
  }
  /** Distance searched by. */
  get metric(): Metric {
    return this.s.metric;
  }
  /** Links per node on levels ≥ 1 (Mmax = M). */
  get M(): number {
    return this.s.M;
  }
  /** Link capacity on level 0 (2·M). */
  get Mmax0(): number {
    return this.s.Mmax0;
  }
  /** Beam width used while inserting. */
  get efConstruction(): number {
    return this.s.efConstruction;
  }
  /** Level multiplier 1/ln M: levels are drawn as ⌊−ln(u)·mL⌋. */
  get mL(): number {
    return this.s.mL;
  }
  /** The seed of the level draws. */
  get seed(): number {
    return this.s.seed;
  }
  /** The neighbour-selection rule in use. */
  get neighborSelection(): NeighborSelection {
    return this.s.neighborSelection;
  }

  /** Number of live (not deleted) vectors. */
  get size(): number {
    return this.s.graph.live;
  }

  /** Ids allocated so far, live and deleted; the next added vector gets this id. */
  get idCount(): number {
    return this.s.store.size;
  }

  /** The node searches start from (a node on the top level), −1 when the graph is empty. */
  get entryPoint(): number {
    return this.s.graph.entryPoint;
  }

  /** The top level of the graph (the entry point's level), −1 when empty. */
  get maxLevel(): number {
    return this.s.graph.maxLevel;
  }

  /** Whether `id` is a live (added, not deleted) id. */
  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.s.store.size && this.s.graph.deleted[id] === 0;
  }

  /**
   * Add `n × dim` vectors; their ids continue from {@link HnswIndex.idCount}. Each is
   * inserted with Alg. 1. Input is validated first, so invalid input leaves the index as it was.
   *
   * `options.onProgress(done, total)` runs after every 2,048 inserts (core's `PROGRESS_EVERY`)
   * and after the last, with `total = n`. HNSW inserts incrementally: a callback that throws
   * stops the add there and the exception propagates; the index is consistent and holds
   * exactly the vectors inserted before it, as if `add` had been called with only them (the
   * same bytes from `serialize`; only spare capacity may differ).
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    this.idle('add');
    const { n, onProgress } = beginAdd(vectors, this.s.dim, options, 'HnswIndex.add options');
    // A view of some store's WebAssembly memory is copied: growing that memory would detach it.
    if (n > 0) {
      try {
        addRows(this.s, stableInput(vectors), n, onProgress);
      } finally {
        // Also after a progress callback threw: the rows inserted so far get their codes.
        syncCodes(this.s);
      }
    }
  }

  /**
   * {@link HnswIndex.add} with the inserts run concurrently by `options.threads` workers of
   * `options.pool` (hnswlib's `add_items(num_threads)`; `parallel-insert.ts`): the rows go
   * into the index's memory, shared with the workers, and each worker inserts the next id
   * under per-node locks. About `threads` times faster on as many cores.
   *
   * - `threads: 1`, or no pool, is `add` on the calling thread (byte-identical seeded
   *   builds). With more threads the graph depends on timing, like hnswlib's: same recall, not
   *   the same bytes.
   * - Falls back to `add` on the calling thread for a `kernels: 'js'` index and where this
   *   runtime has no shared memory (a page that is not cross-origin isolated; the pool of
   *   `createThreadPool` then has one thread and says why).
   * - While the promise is pending every other call on the index is refused with
   *   `UNSUPPORTED_OPERATION`.
   * - All or nothing: if a task fails (`WORKER_FAILED`) or `onProgress` throws, the promise
   *   rejects and the index is exactly as it was before the call.
   * - `onProgress(done, total)` runs about every 100 ms while workers insert (at least 2,048
   *   apart) and once at the end.
   */
  async addAsync(vectors: Float32Array, options?: HnswAddAsyncOptions): Promise<void> {
    this.idle('addAsync');
    const { pool, rest: addOptions } = splitPoolOptions(options, ['onProgress', 'pool', 'threads'], 'HnswIndex.addAsync options');
    const poolSize = pool !== undefined && typeof pool.size === 'number' && Number.isInteger(pool.size) && pool.size >= 1 ? pool.size : 1;
    const wanted = typeof options === 'object' && options !== null ? options.threads : undefined;
    const threads = wanted !== undefined ? checkInteger('threads', wanted, 1, poolSize) : poolSize;
    if (pool === undefined || threads === 1) {
      this.add(vectors, addOptions);
      return;
    }
    const { n, onProgress } = beginAdd(vectors, this.s.dim, addOptions, 'HnswIndex.addAsync options');
    if (n === 0) return;
    this.building = true;
    try {
      await addRowsParallel(this.s, stableInput(vectors), n, pool, threads, onProgress);
    } finally {
      this.building = false;
      syncCodes(this.s);
    }
  }

  /** Refuse `what` while a parallel {@link HnswIndex.addAsync} runs. */
  private idle(what: string): void {
    if (this.building) {
      throw new AnnlabError(
        'UNSUPPORTED_OPERATION',
        `HnswIndex.${what}: an addAsync is still inserting on worker threads; await it first.`,
      );
    }
  }

  /**
   * The k nearest stored vectors of each query (Alg. 5 per query).
   *
   * @param queries - `nq × dim` row-major.
   * @param k - results per query; rows are padded with −1/+Infinity when fewer exist.
   * @param params - `efSearch` (default max(k, 64)), `filter`, `stats`, and for quantized
   *   indexes `rerank` (default 4).
   */
  search(queries: Float32Array, k: number, params?: HnswSearchParams): SearchResult {
    this.idle('search');
    const dim = this.s.dim;
    const nq = checkVectors(queries, dim, 'queries');
    checkK(k);
    const p = checkHnswSearchParams(params, 'HnswIndex.search params');
    if (p.rerank !== undefined && this.s.quant === null) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        "HnswIndex.search params: rerank applies only to quantized indexes (built with quantizer: 'sq8' or 'sq4'); leave it out here.",
      );
    }
    const result = createSearchResult(nq, k);
    const input = stableInput(queries);
    for (let q = 0; q < nq; q++) this.searchInto(input, q * dim, k, result.ids, result.distances, q * k, p);
    return result;
  }

  /**
   * Alg. 5 K-NN-SEARCH for one query, written into caller-owned output at `outOff` (k
   * entries, ascending, padded). Inputs are not validated here; `search` does that.
   * Without filter, stats, or deleted nodes still linked into the graph (none, or all
   * unlinked by `compact`) this is the plain path; otherwise the checked path (see
   * {@link HnswSearchParams.filter}). A quantized index walks its codes on the TypeScript
   * loops and re-ranks (see {@link HnswSearchParams.rerank}).
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params: HnswSearchParams = NO_PARAMS,
  ): void {
    const s = this.s;
    const ef = Math.max(k, params.efSearch ?? DEFAULT_EF_SEARCH);
    if (s.quant !== null) {
      const rerank = params.rerank ?? DEFAULT_RERANK;
      quantizedSearchInto(s, query, qOff, k, ef, rerank, params.filter, params.stats, outIds, outDist, outOff);
    } else if (params.filter === undefined && params.stats === undefined && !s.graph.linkedDeletes) {
      knnSearch(s, query, qOff, k, ef, outIds, outDist, outOff);
    } else {
      searchChecked(s, query, qOff, k, ef, params.filter, params.stats, null, outIds, outDist, outOff);
    }
  }

  /**
   * Search one query and return, beside the result, the path taken on every level: the
   * entry node, the nodes expanded in order, and the distances computed there. For teaching
   * and debugging; it runs the checked path, so it is slower than `search`. On a quantized
   * index it traces the float32 walk (no codes, no re-rank), which the code walk follows
   * closely but not exactly.
   */
  explain(query: Float32Array, k: number, params?: HnswSearchParams): HnswExplanation {
    return explain(this.s, query, k, params);
  }

  /**
   * Mark one id or many deleted: they are never returned again but still traversed, so the
   * graph stays connected; `size` drops accordingly. Every id is checked first (assigned,
   * else `INVALID_PARAMETER`; live, else `NOT_FOUND`; no repeats), and on error nothing is
   * deleted. Call {@link HnswIndex.compact} after many deletions.
   */
  delete(ids: number | ArrayLike<number>): void {
    this.idle('delete');
    deleteIds(this.s, ids);
  }

  /**
   * Replace the vector of live `id` and relink it: its old neighbours re-select their lists,
   * then its own links are chosen afresh by an INSERT-style search (after hnswlib's
   * `updatePoint`; details in `maintenance.ts`).
   */
  update(id: number, vector: Float32Array): void {
    this.idle('update');
    updateVector(this.s, id, vector);
    reencodeRow(this.s, id);
  }

  /**
   * Reconnect the graph around deleted nodes and unlink them: every live node that linked to
   * a deleted one re-selects its list from its live neighbours and theirs. Searches then take
   * the plain path again. Ids do not change.
   */
  compact(): void {
    this.idle('compact');
    compact(this.s);
  }

  /** A copy of node `id`'s neighbour ids on `level` (empty when the node is not on it). */
  neighbors(id: number, level: number = 0): Int32Array {
    const s = this.s;
    checkId(id, s.store.size);
    const g = s.graph;
    if (!Number.isInteger(level) || level < 0 || level > g.levels[id]) return new Int32Array(0);
    const arr = g.linksOf(level);
    const base = g.linkBase(id, level);
    return arr.slice(base + 1, base + 1 + arr[base]);
  }

  /** The top level of node `id` (it is on levels 0 … levelOf(id)). */
  levelOf(id: number): number {
    return this.s.graph.levels[checkId(id, this.s.store.size)];
  }

  /**
   * A copy of stored vector `id` (unit-normalised for cosine). `INVALID_PARAMETER` for an id
   * that was never assigned or is deleted.
   */
  reconstruct(id: number): Float32Array {
    const s = this.s;
    checkId(id, s.store.size);
    if (s.graph.deleted[id] !== 0) throw new AnnlabError('INVALID_PARAMETER', `id ${id} was deleted; only live ids can be reconstructed.`);
    return s.store.row(id);
  }

  /**
   * Check the graph (hnswlib's `checkIntegrity`): link counts, ids in range, no self or
   * duplicate links, neighbours present on the level, no links to compacted-away nodes, the
   * entry point on the top level; and count the live nodes unreachable on level 0.
   */
  checkInvariants(): HnswInvariantReport {
    return checkInvariants(this.s);
  }

  /**
   * Bytes allocated by the index's typed arrays (vectors, links, levels, flags, search
   * scratch) at their capacity, which doubles as the index grows; {@link HnswIndex.usedBytes}
   * is what the index uses.
   */
  memoryBytes(): number {
    return this.s.memoryBytes();
  }

  /**
   * Bytes the index uses for its `n = idCount` ids (live and deleted), FAISS-style:
   *
   * n × (4·dim + 4·(2M+1) + 4 + 2) + 4·Σᵢ levelᵢ·(M+1)
   *
   * plus, for a quantized index, n × stride bytes of code rows (the code, dim bytes for
   * `'sq8'` and ⌈dim/2⌉ for `'sq4'`, rounded up to 4, then a 4-byte norm) and 12·dim bytes
   * of quantizer ranges.
   *
   * — vectors, level-0 links (count + 2M ids), upper offsets, levels and deletion flags, and
   * the upper-level blocks in use (about n·(M+1)/(M−1) ints, since E[level] = 1/(M−1)). No
   * spare capacity and no search scratch ({@link HnswIndex.memoryBytes} counts those).
   */
  usedBytes(): number {
    return this.s.usedBytes();
  }

  /**
   * The index as an annlab file (format 3): parameters and the level generator's state (JSON),
   * then the vectors, levels, deletion flags, level-0 links, upper offsets and upper links of
   * the `idCount` allocated ids, for a quantized index the scalar quantizer and the codes,
   * and the CRC-32. The same seed and the same operations give
   * byte-identical files.
   */
  serialize(): Uint8Array {
    this.idle('serialize');
    return serializeState(this.s);
  }

  /**
   * Load an index written by {@link HnswIndex.serialize} (format 3, or the older formats 2
   * and 1, which load as `quantizer: 'none'`).
   * The arrays are copied (the index stays mutable without touching `bytes`). Damaged,
   * truncated or foreign bytes, and files whose parameters, generator state or graph are
   * inconsistent, throw `AnnlabError`.
   *
   * @param options - `kernels`: the distance backend of the loaded index (default `'auto'`).
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): HnswIndex {
    checkOptions(options, 'HnswIndex.deserialize');
    checkKnownKeys(options, LOAD_KEYS, 'HnswIndex.deserialize');
    const kernels = checkKernelBackend(options.kernels);
    const file = openFile(bytes);
    const index = asCorruptData('hnsw index file', () => new HnswIndex({ ...file.options, capacity: 1, kernels }));
    restoreState(index.s, file);
    return index;
  }
}
