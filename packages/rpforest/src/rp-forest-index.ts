/**
 * An Annoy-style random-projection forest. Each tree splits the points recursively by
 * hyperplanes until every leaf holds at most `leafSize` of them; a query walks all trees at
 * once, always expanding the node whose hyperplane it is most confidently on the right side
 * of, until it has collected `searchK` candidates, and re-ranks those exactly. More trees
 * make it less likely that a true neighbour was cut off on the wrong side of every tree;
 * a larger `searchK` looks further across the planes.
 *
 * Citation: Annoy (E. Bernhardsson, github.com/spotify/annoy, `src/annoylib.h`; no paper,
 * see its README "How does it work"). Background: S. Dasgupta and Y. Freund, "Random
 * projection trees and low dimensional manifolds", STOC 2008. The flat tree layout follows
 * pynndescent's `FlatTree` (L. McInnes, `pynndescent/rp_trees.py`).
 *
 * This class is the facade; each concern has its own file. Map from Annoy to code:
 * - the node buffer (`_get(i)`, `_s`) → `internal/flat-forest.ts` (`FlatForest`: flat
 *   typed arrays for hyperplanes, children, leaves and roots; growth);
 * - `_make_tree` (≤ 3 two-means attempts, stop once imbalance < 0.95, random sides while
 *   still > 0.99) → `internal/build.ts` (`makeNode`, `splitRange`); the split itself is
 *   `two-means.ts` (`two_means`, `create_split`, `margin`);
 * - `build(n_trees)` → the first {@link RpForestIndex.add}, and {@link RpForestIndex.addTrees};
 * - `_get_all_nns` (one priority queue over all trees keyed by the margin, `search_k`
 *   candidates, dedupe, exact re-rank) → `search.ts` (`searchForest`), behind
 *   {@link RpForestIndex.searchInto}; on the SIMD backend the same walk runs in one
 *   WebAssembly call per query → `internal/wasm-forest.ts` (`assembly/forest.ts`), with
 *   identical results; the same walk, recorded, → `explain.ts`;
 * - `search_k = n * n_trees` default → `searchK = k × nTrees`;
 * - `save` / `load` → `internal/persistence.ts`; hnswlib's `checkIntegrity` →
 *   `internal/invariants.ts`.
 *
 * Deviations from Annoy, stated honestly:
 * - Leaves hold item ids in `leafItems` (ranges), not inside node-sized records; inner nodes
 *   and leaves have separate index spaces, so no hyperplane storage is spent on leaves.
 * - Exact zero margins at build time are resolved with the tree's seeded Rng (Annoy flips
 *   its Kiss RNG); points inserted later resolve them with a hash of (id, node). A node whose
 *   split had to fall back to random sides stores an all-zero normal, so every margin there is
 *   0 and a query explores both children with equal priority.
 * - Annoy cannot add items after `build` (annoy #174, #677). Here later `add`s route each new
 *   point to its leaf in every tree and split a leaf with Annoy's own heuristic when it
 *   overflows; `delete` removes an id from its leaf in every tree; {@link RpForestIndex.addTrees}
 *   grows a built forest (`internal/dynamic.ts`). Trees grown this way are valid but can be
 *   less balanced than a fresh build over all points.
 * - Candidates are deduplicated while collected (a visited set) instead of by sorting.
 *
 * **Inner product.** Hyperplane trees need a metric, and −⟨q, x⟩ is not one: the trees split
 * vectors augmented by one component (Bachrach et al., RecSys 2014), see `internal/build.ts`
 * (`computeAugmentation`); candidates are re-ranked with the true −⟨q, x⟩.
 *
 * @module
 */
import {
  grownArray,
  AnnlabError,
  DistanceComputer,
  VectorStore,
  asCorruptData,
  beginAdd,
  reportProgress,
  checkId,
  checkInteger,
  normalizeInPlace,
  checkK,
  checkKernelBackend,
  checkSearchParams,
  checkVectors,
  createSearchResult,
  metricPolicy,
  stableInput,
  type AddOptions,
  type AnnIndex,
  type Deletable,
  type Explainable,
  type InvariantCheckable,
  type InvariantReport,
  type LoadOptions,
  type MemoryReport,
  type Metric,
  type MetricPolicy,
  type Reconstructible,
  type SearchResult,
  sharedArray,
  type TaskPool,
  splitPoolOptions,
} from '@annlab/core';
import { explainForest, type RpForestExplanation } from './explain.js';
import { treeStructureOf, type RpForestTree } from './tree-structure.js';
import { MAX_TREES, resolveOptions, type RpForestInfo, type RpForestOptions } from './options.js';
import { SEARCH_KEYS, SearchScratch, searchForest, searchKOf, type RpForestSearchParams } from './search.js';
import { SplitScratch, computeAugmentation } from './internal/build.js';
import { appendTreeBlock, buildTrees } from './internal/tree-block.js';
import { buildTreeBlocksOnPool } from './internal/parallel-build.js';
import { checkDeleteList, insertItem, maybeCompactLeaves, removeItem, trimForest } from './internal/dynamic.js';
import { FlatForest } from './internal/flat-forest.js';
import { WasmForestSearcher } from './internal/wasm-forest.js';
import { checkForest } from './internal/invariants.js';
import {
  FILE_KIND,
  checkPackedLeaves,
  openForestFile,
  readForestSections,
  refuseInconsistent,
  writeForestFile,
} from './internal/persistence.js';

/** Options of {@link RpForestIndex.addAsync}. */
export interface RpForestAddAsyncOptions extends AddOptions {
  /**
   * The worker pool that builds the trees (one task per tree; see
   * {@link RpForestIndex.addAsync}). Left out, the build runs in the calling thread, as `add`.
   */
  pool?: TaskPool;
}

/**
 * Random-projection forest (Annoy) over row-major `Float32Array`s.
 *
 * The first `add` builds `nTrees` trees over everything added; later `add`s insert into the
 * existing trees. Add all data in one call for the best trees.
 *
 * @example
 * ```ts
 * import { RpForestIndex } from '@annlab/rpforest';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const index = new RpForestIndex({ dim, metric: 'euclidean', nTrees: 10, seed: 1 });
 * index.add(vectors);                                  // the first add builds the trees
 * const queries = vectors.subarray(0, 5 * dim);
 * const r = index.search(queries, 10, { searchK: 500 }); // candidates to rank; more: higher recall
 * const again = RpForestIndex.deserialize(index.serialize());
 * again.search(queries, 10, { searchK: 500 });         // identical to r
 * ```
 */
export class RpForestIndex
  implements
    AnnIndex<RpForestSearchParams>,
    Deletable,
    Reconstructible,
    Explainable<RpForestSearchParams, RpForestExplanation>,
    InvariantCheckable,
    MemoryReport
{
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'rpforest';
  /** Format version written by {@link RpForestIndex.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by. */
  readonly metric: Metric;
  /** Most items per leaf (see {@link RpForestOptions.leafSize}). */
  readonly leafSize: number;
  /** Seed of every random choice. */
  readonly seed: number;
  /** The stored vectors (normalised for cosine), row i at `i * dim`; deleted rows stay. */
  readonly store: VectorStore;
  /** Components of a hyperplane normal: `dim`, or `dim + 1` for inner product (augmentation). */
  readonly treeDim: number;

  private treesWanted: number;
  private built: boolean;
  private live: number;
  /** True after deserialize while the forest's arrays are views into the caller's bytes. */
  private borrowed: boolean;
  private readonly forest: FlatForest;
  private readonly policy: MetricPolicy;
  private readonly dc: DistanceComputer;
  private readonly searchScratch: SearchScratch;
  /** The WebAssembly query path (SIMD backend); `searchForest` is the reference and fallback. */
  private readonly wasmSearcher: WasmForestSearcher;
  private readonly splitScratch: SplitScratch;

  /**
   * @param options - `dim` (required), `metric`, `seed`, `kernels`, `nTrees`, `leafSize`.
   * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option.
   */
  constructor(options: RpForestOptions) {
    const o = resolveOptions(options);
    this.dim = o.dim;
    this.metric = o.metric;
    this.seed = o.seed;
    this.treesWanted = o.nTrees;
    this.leafSize = o.leafSize;
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels: o.kernels });
    this.treeDim = this.metric === 'inner-product' ? this.dim + 1 : this.dim;
    this.dc = new DistanceComputer(this.store, this.policy);
    this.built = false;
    this.live = 0;
    this.borrowed = false;
    this.forest = new FlatForest(this.store, this.treeDim, this.leafSize);
    this.searchScratch = new SearchScratch();
    this.wasmSearcher = new WasmForestSearcher();
    this.splitScratch = new SplitScratch(this.treeDim);
  }

  /** Number of live (searchable, not deleted) vectors. */
  get size(): number {
    return this.live;
  }

  /** Number of ids handed out so far (live plus deleted); the next added vector gets this id. */
  get idCount(): number {
    return this.store.size;
  }

  /** Number of trees (built, or to be built by the first `add`). */
  get nTrees(): number {
    return this.treesWanted;
  }

  /** Whether id `id` was added and not deleted. */
  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.store.size && this.forest.deleted[id] === 0;
  }

  /**
   * Add `n × dim` vectors; ids continue from {@link RpForestIndex.idCount}. The first
   * non-empty `add` builds the forest over everything added (Annoy's `build`); later ones
   * route each new vector to its leaf in every tree and split leaves that overflow.
   * Nothing changes if any value is invalid.
   *
   * `options.onProgress(done, total)` reports, for the first (building) add, the trees built:
   * `total = nTrees`, one call per tree. The build is one step: a callback that throws stops
   * it, the exception propagates, and the index is left as it was before the call (empty).
   * For later adds it reports the vectors inserted into every tree: `total = n`, a call every
   * 2,048 vectors (core's `PROGRESS_EVERY`) and after the last. Those adds are incremental: a
   * callback that throws stops the add there, and the index holds exactly the vectors
   * inserted before it, as if `add` had been called with only them.
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    const { n, onProgress } = beginAdd(vectors, this.dim, options, 'RpForestIndex.add options');
    if (n === 0) return;
    this.ensureOwned();
    const forest = this.forest;
    // A view of some store's WebAssembly memory (this one's: `add(index.store.view())`) is
    // copied first: growing that memory detaches it.
    const first = this.store.append(stableInput(vectors));
    const total = this.store.size;
    forest.deleted = grownArray(forest.deleted, total);
    this.live += n;
    if (!this.built) {
      try {
        if (this.treeDim > this.dim) computeAugmentation(forest, 0, total, true);
        buildTrees(forest, this.seed, this.treesWanted, this.forest.liveIds(this.live), onProgress);
      } catch (e) {
        // Only a throwing callback gets here: undo the whole first build.
        forest.clear();
        this.store.truncate(first);
        this.live -= n;
        throw e;
      }
      this.built = true;
      trimForest(forest);
      return;
    }
    if (this.treeDim > this.dim) computeAugmentation(forest, first, total, false);
    const scratch = this.splitScratch;
    const seed = this.seed;
    let done = 0;
    try {
      for (let id = first; id < total; id++) {
        insertItem(forest, scratch, seed, id);
        done++;
        reportProgress(onProgress, done, n);
      }
    } catch (e) {
      // Only a throwing callback gets here, between two inserts: keep the `done` inserted.
      this.store.truncate(first + done);
      this.live -= n - done;
      throw e;
    } finally {
      maybeCompactLeaves(forest);
    }
  }

  /**
   * {@link RpForestIndex.add} with the first build's trees made in parallel on `options.pool`
   * (Annoy's `build(n_trees, n_jobs)`): a worker pool whose workers run this package's
   * `buildTreesTask` under `BUILD_TREES_TASK`, such as `createThreadPool({ threads })` from
   * `@annlab/threads`. Each tree is one task; the trees come back and are appended in tree
   * order, so the index serializes to the same bytes as after `add` on one thread, for any
   * number of workers. Build time falls about linearly with the workers (the vectors are
   * copied once into shared memory, n × dim × 4 bytes, and read in place by every worker).
   *
   * Without `pool`, or when the forest is already built (later adds insert one vector at a
   * time), this is `add`. `onProgress(done, nTrees)` counts the trees as they come back. The
   * index takes the vectors only when every tree is back: while the promise is pending it is
   * unchanged (still empty), and a failed task or a throwing callback rejects the promise and
   * leaves it so. Calls that change the index in the meantime make this one reject with
   * `UNSUPPORTED_OPERATION`.
   */
  async addAsync(vectors: Float32Array, options?: RpForestAddAsyncOptions): Promise<void> {
    const { pool, rest: addOptions } = splitPoolOptions(options, ['onProgress', 'pool'], 'RpForestIndex.addAsync options');
    if (pool === undefined || this.built) {
      this.add(vectors, addOptions);
      return;
    }
    const { n, onProgress } = beginAdd(vectors, this.dim, addOptions, 'RpForestIndex.addAsync options');
    if (n === 0) return;
    const dim = this.dim;
    // The rows in stored form (normalised as the store would), in shared memory for the workers.
    const rows = sharedArray(Float32Array, n * dim);
    rows.set(stableInput(vectors).subarray(0, n * dim));
    if (this.store.normalize) for (let i = 0; i < n; i++) normalizeInPlace(rows, i * dim, dim);
    const staged = new FlatForest(VectorStore.adopt(dim, rows, this.store.normalize), this.treeDim, this.leafSize);
    let augExtra = staged.extra;
    if (this.treeDim > dim) {
      computeAugmentation(staged, 0, n, true);
      augExtra = sharedArray(Float32Array, n);
      augExtra.set(staged.augExtra.subarray(0, n));
    }
    const items = sharedArray(Int32Array, n);
    for (let i = 0; i < n; i++) items[i] = i;
    const count = this.treesWanted;
    const blocks = await buildTreeBlocksOnPool(
      { data: rows, dim, treeDim: this.treeDim, leafSize: this.leafSize, cosine: this.store.normalize, augExtra, seed: this.seed, items },
      0,
      count,
      pool,
      onProgress,
    );
    if (this.built || this.store.size !== 0 || this.treesWanted !== count) {
      throw new AnnlabError(
        'UNSUPPORTED_OPERATION',
        'RpForestIndex.addAsync: the index changed while its trees were built; await addAsync before adding, deleting or adding trees.',
      );
    }
    // Commit, exactly as the first add would have: rows, flags, augmentation, trees.
    this.ensureOwned();
    const forest = this.forest;
    this.store.appendStored(rows);
    forest.deleted = grownArray(forest.deleted, n);
    this.live += n;
    if (this.treeDim > dim) computeAugmentation(forest, 0, n, true);
    for (let i = 0; i < count; i++) appendTreeBlock(forest, blocks[i]);
    this.built = true;
    trimForest(forest);
  }

  /**
   * Build `count` more trees over the live vectors (a built Annoy index cannot do this).
   * Before the first `add` it only raises the number of trees that add will build.
   */
  addTrees(count: number): void {
    if (this.treesWanted >= MAX_TREES) {
      throw new AnnlabError('INVALID_PARAMETER', `the forest already holds ${this.treesWanted} trees, the most allowed (${MAX_TREES}).`);
    }
    checkInteger('count', count, 1, MAX_TREES - this.treesWanted);
    this.ensureOwned();
    if (!this.built) {
      this.treesWanted += count;
      return;
    }
    buildTrees(this.forest, this.seed, count, this.forest.liveIds(this.live));
    this.treesWanted = this.forest.roots.length;
    trimForest(this.forest);
  }

  /**
   * Remove ids from the index: each is taken out of its leaf in every tree and is never
   * returned again (its id is not reused). Accepts one id or a list; nothing changes if any
   * id is unknown, already deleted or repeated.
   * @throws AnnlabError `NOT_FOUND` for an id that is not live; `INVALID_PARAMETER` for a non-integer.
   */
  delete(ids: number | ArrayLike<number>): void {
    const list = checkDeleteList(ids, this.store.size, this.forest.deleted);
    if (list.length === 0) return;
    this.ensureOwned();
    for (let i = 0; i < list.length; i++) {
      removeItem(this.forest, this.splitScratch, list[i]);
      this.live--;
    }
  }

  /**
   * The k nearest live vectors of each query, approximately.
   *
   * @param queries - `nq × dim` row-major.
   * @param k - neighbours per query; rows are padded with −1/+Infinity when fewer are found.
   * @param params - `searchK` (default `k × nTrees`), `stats` (use {@link RpForestSearchStats} for the forest's extra counters).
   */
  search(queries: Float32Array, k: number, params?: RpForestSearchParams): SearchResult {
    const p = checkSearchParams<RpForestSearchParams>(params, SEARCH_KEYS, 'RpForestIndex.search params');
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const searchK = searchKOf(k, this.treesWanted, p);
    const result = createSearchResult(nq, k);
    if (this.live === 0 || nq === 0) return result;
    // A self-join (`search(index.store.view(), k)`) reads a copy: the per-call kernel scratch
    // may grow the store's WebAssembly memory and detach the view between queries.
    const input = stableInput(queries);
    for (let q = 0; q < nq; q++) this.searchOne(input, q * this.dim, k, searchK, result.ids, result.distances, q * k, p.stats);
    return result;
  }

  /**
   * One query into caller-owned output (Annoy's `_get_all_nns`): the k nearest of
   * `query[qOff .. qOff + dim)` go to `outIds`/`outDist` at `outOff`, ascending, padded.
   * Inputs are not validated here; `search` does that. See `search.ts` for the walk.
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params?: RpForestSearchParams,
  ): void {
    const searchK = params?.searchK ?? k * this.treesWanted;
    this.searchOne(query, qOff, k, searchK, outIds, outDist, outOff, params?.stats);
  }

  /**
   * One query: in WebAssembly when the store is on the SIMD backend (one call does the
   * descent, the leaves and the scoring), else, or when its memory cannot hold the forest,
   * the TypeScript reference `searchForest`. Both give the same ids, distances and counters.
   */
  private searchOne(
    query: Float32Array,
    qOff: number,
    k: number,
    searchK: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    stats: RpForestSearchParams['stats'],
  ): void {
    const forest = this.forest;
    if (forest.store.wasm !== null) {
      const done = this.wasmSearcher.search(
        forest,
        this.live,
        this.dc,
        this.policy,
        query,
        qOff,
        k,
        searchK,
        outIds,
        outDist,
        outOff,
        stats,
      );
      if (done) return;
    }
    searchForest(forest, this.dc, this.policy, this.searchScratch, query, qOff, k, searchK, outIds, outDist, outOff, stats);
  }

  /**
   * Search one query and record what the search did: which leaves it visited in each tree,
   * in order, with the priority each was reached with. A separate, allocating path for
   * learners; `result` equals {@link RpForestIndex.search}'s answer.
   *
   * @param query - one vector (`dim` values).
   */
  explain(query: Float32Array, k: number, params?: RpForestSearchParams): RpForestExplanation {
    const p = checkSearchParams<RpForestSearchParams>(params, SEARCH_KEYS, 'RpForestIndex.explain params');
    const nq = checkVectors(query, this.dim, 'query');
    if (nq !== 1) throw new AnnlabError('INVALID_PARAMETER', `explain takes exactly one query (${this.dim} values), got ${nq}.`);
    checkK(k);
    const searchK = searchKOf(k, this.treesWanted, p);
    return explainForest(this.forest, this.dc, this.policy, this.live, stableInput(query), k, searchK);
  }

  /**
   * A copy of tree `t`'s hyperplanes, children and leaves, numbered within the tree (inner
   * nodes and leaves in depth-first order, side 0 first), with each leaf's forest-wide index
   * as `explain()` reports it. Read-only inspection for pictures and teaching; changing the
   * copy does not change the forest.
   * @throws AnnlabError `INVALID_PARAMETER` when `t` is not in [0, nTrees) of a built forest.
   */
  treeStructure(t: number): RpForestTree {
    const trees = this.forest.roots.length;
    if (trees === 0) throw new AnnlabError('INVALID_PARAMETER', 'treeStructure: the forest has no trees yet; the first add() builds them.');
    return treeStructureOf(this.forest, checkInteger('tree', t, 0, trees - 1));
  }

  /** Shape of the forest: trees, nodes, leaves, depth. */
  forestInfo(): RpForestInfo {
    return this.forest.info();
  }

  /**
   * Check the forest's invariants (hnswlib's `checkIntegrity`): every node reachable from
   * exactly one root and exactly once, every leaf holds ≤ leafSize ids within its slots, and
   * every live id sits in exactly one leaf of every tree while no deleted id sits in any.
   * Reports violations (at most 50); never throws.
   */
  checkInvariants(): InvariantReport {
    return checkForest(this.forest, this.live, this.built, this.treesWanted);
  }

  /**
   * A copy of stored vector `id` (unit-normalised for cosine).
   * @throws AnnlabError `INVALID_PARAMETER` for an id out of range or deleted.
   */
  reconstruct(id: number): Float32Array {
    checkId(id, this.store.size);
    if (this.forest.deleted[id] !== 0)
      throw new AnnlabError('INVALID_PARAMETER', `id ${id} was deleted; only live ids can be reconstructed.`);
    return this.store.row(id);
  }

  /**
   * Bytes the index uses for its `n = idCount` ids (live and deleted), FAISS-style:
   *
   * n × (4·dim + 1 [+ 4 for inner product]) + inner × (4·treeDim + 16) + leaves × 12 +
   * 4·leafSlots + 4·nTrees
   *
   * — vectors and deleted flags (and the augmented component), each inner node's normal,
   * offset and two children, each leaf's start/size/capacity, the leaf item slots handed out
   * (nTrees × n after a fresh build; room reserved by leaves grown with later adds is
   * included) and the roots. No spare capacity and no scratch ({@link RpForestIndex.memoryBytes}).
   */
  usedBytes(): number {
    return this.store.usedBytes() + this.forest.usedBytes(this.store.size);
  }

  /**
   * Bytes allocated: vectors and forest arrays at their capacity (the vector store doubles
   * as it grows), per-id flags and search scratch, and on the SIMD backend, once searched,
   * the copy of the forest its WebAssembly query reads (about the forest's own size plus 4
   * bytes per id). {@link RpForestIndex.usedBytes} is what the index uses.
   */
  memoryBytes(): number {
    return (
      this.store.memoryBytes() +
      this.forest.memoryBytes() +
      this.searchScratch.memoryBytes() +
      this.wasmSearcher.memoryBytes() +
      this.splitScratch.memoryBytes()
    );
  }

  /**
   * The index as an annlab file: parameters; the `idCount × dim` vectors; per-id deleted
   * flags; the augmented components (inner product; else empty); then the flat forest
   * (`splitNormals`, `splitOffsets`, `children`, `leafStart`, `leafSizes`, `leafItems` packed
   * in depth-first order, `roots`). The same seed and the same sequence of calls give the
   * same bytes.
   */
  serialize(): Uint8Array {
    const params = {
      dim: this.dim,
      metric: this.metric,
      nTrees: this.treesWanted,
      leafSize: this.leafSize,
      seed: this.seed,
      maxNorm: this.forest.maxNorm,
      built: this.built,
      live: this.live,
    };
    return writeForestFile(RpForestIndex.TAG, RpForestIndex.FORMAT_VERSION, params, this.forest);
  }

  /**
   * Load an index written by {@link RpForestIndex.serialize}. Damaged, foreign or
   * inconsistent bytes throw `CORRUPT_DATA` (or `WRONG_FORMAT` for another file kind).
   *
   * @param options - `kernels`: the distance backend of the loaded index, by default
   * `'auto'` like a freshly built one, so the reloaded index returns the same distances as
   * the saved one. With `'js'` the arrays (vectors included) are zero-copy views into
   * `bytes` when it is suitably aligned, copied only on the first `add`, `delete` or
   * `addTrees`; `'simd'`/`'auto'` copy the vectors into WebAssembly memory.
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): RpForestIndex {
    const kernels = checkKernelBackend(options.kernels);
    const { reader, params: p } = openForestFile(bytes, RpForestIndex.TAG, RpForestIndex.FORMAT_VERSION);
    const index = asCorruptData(
      FILE_KIND,
      () => new RpForestIndex({ dim: p.dim, metric: p.metric, nTrees: p.nTrees, leafSize: p.leafSize, seed: p.seed, kernels }),
    );
    readForestSections(reader, p, index.forest);
    index.built = p.built;
    index.live = p.live;
    index.borrowed = true;
    // A structurally valid file can still wire nodes into cycles or share them: check it all.
    const report = index.checkInvariants();
    if (!report.ok) refuseInconsistent(report.errors);
    checkPackedLeaves(index.forest);
    return index;
  }

  /** Copy every array out of the caller's bytes before the first mutation after deserialize. */
  private ensureOwned(): void {
    if (!this.borrowed) return;
    this.forest.copyArrays();
    this.borrowed = false;
  }
}
