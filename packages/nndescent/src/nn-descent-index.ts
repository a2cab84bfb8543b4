/**
 * NN-Descent as an annlab index: build the approximate k-NN graph of the data by local joins
 * (Dong, Charikar & Li, WWW 2011), turn it into a search graph by diversification, reverse
 * edges and degree pruning, and answer queries by best-first search from the points of a
 * random-projection-tree leaf (pynndescent's design, L. McInnes). The k-NN graph itself is
 * also a product: {@link NnDescentIndex.knnGraph} returns it (UMAP's input).
 *
 * This class is the facade; each concern has its own file. Map from the paper and
 * pynndescent to code:
 * - Algorithm 2 (NNDescentFull: sampling ρ, new/old flags, reverse neighbours, local join,
 *   early termination δ) → `nn-descent.ts` (`nnDescent`, `buildCandidates`, `localJoin`);
 *   the heaps as parallel arrays → `internal/neighbor-heaps.ts`;
 * - pynndescent's tree initialisation and search tree (`make_forest`, `init_rp_tree`,
 *   `FlatTree`) → `internal/rp-tree.ts`, splitting with `@annlab/rpforest`'s two-means;
 * - `_init_search_graph` (`diversify`, `diversify_csr`, reverse union, `degree_prune`) →
 *   `search-graph.ts`;
 * - `search_closure` (tree leaf as seeds, best-first search) → `search.ts` over core's
 *   `graphSearch`; the same search recorded → `explain.ts`;
 * - `__getstate__`/`__setstate__` → `internal/persistence.ts`; hnswlib's `checkIntegrity` →
 *   `internal/invariants.ts`.
 *
 * Deviations, stated honestly:
 * - NN-Descent is a batch algorithm. Each `add` rebuilds everything over all vectors added so
 *   far, so `add(a); add(b)` gives the same index, byte for byte, as `add(a ∪ b)`, at the
 *   cost of a full build each time. (pynndescent's `update` instead resumes the descent from
 *   the old graph.)
 * - The search is a beam of `efSearch` nodes (core's `graphSearch`) rather than
 *   pynndescent's ε-slack rule; see `search.ts`.
 * - pynndescent reorders the vectors by the search tree's leaf order for cache locality; this
 *   index keeps ids as added.
 *
 * @module
 */
import {
  AnnlabError,
  DistanceComputer,
  GraphSearchContext,
  Rng,
  VectorStore,
  asCorruptData,
  beginAdd,
  checkId,
  checkK,
  checkKernelBackend,
  checkSearchParams,
  checkVectors,
  createSearchResult,
  metricPolicy,
  stableInput,
  type AddOptions,
  type AnnIndex,
  type Explainable,
  type IndexClass,
  type InvariantCheckable,
  type InvariantReport,
  type LoadOptions,
  type MemoryReport,
  type Metric,
  type MetricPolicy,
  type ProgressCallback,
  type Reconstructible,
  type SearchResult,
} from '@annlab/core';
import { explainSearch, type NnDescentExplanation } from './explain.js';
import { nnDescent, sortRow, sortedRows } from './nn-descent.js';
import {
  defaultIterations,
  defaultTrees,
  maxDegreeOf,
  resolveOptions,
  type NnDescentBuildInfo,
  type NnDescentOptions,
  type ResolvedOptions,
} from './options.js';
import { buildSearchGraph, type SearchGraph } from './search-graph.js';
import { SEARCH_KEYS, efOf, searchGraph, type NnDescentSearchParams } from './search.js';
import { checkParts, type GraphParts } from './internal/invariants.js';
import { FILE_KIND, openFile, readSections, refuseInconsistent, writeFile } from './internal/persistence.js';
import { FlatTree, buildTree } from './internal/rp-tree.js';

/** The k-NN graph of the indexed points (see {@link NnDescentIndex.knnGraph}). */
export interface KnnGraph {
  /** Columns per row (the index's `nNeighbors`). */
  k: number;
  /** Rows (points). */
  n: number;
  /** Neighbour ids, `n × k` row-major; row i ascending by (distance, id); −1 pads rows of tiny sets. */
  ids: Int32Array;
  /** Reported distances parallel to `ids` (+Infinity for padding). */
  distances: Float32Array;
}

/**
 * NN-Descent k-NN graph with a pruned search graph, over row-major `Float32Array`s.
 *
 * @example
 * ```ts
 * import { NnDescentIndex } from '@annlab/nndescent';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const index = new NnDescentIndex({ dim, metric: 'euclidean', nNeighbors: 15, seed: 1 });
 * index.add(vectors);                                  // builds the k-NN graph, then the search graph
 * const queries = vectors.subarray(0, 5 * dim);
 * const r = index.search(queries, 10, { efSearch: 40 }); // beam width; larger: higher recall, slower
 * const g = index.knnGraph();                          // 1000 × 15 neighbours per point
 * const again = NnDescentIndex.deserialize(index.serialize());
 * again.search(queries, 10, { efSearch: 40 });         // identical to r
 * ```
 */
export class NnDescentIndex
  implements
    AnnIndex<NnDescentSearchParams>,
    Reconstructible,
    Explainable<NnDescentSearchParams, NnDescentExplanation>,
    InvariantCheckable,
    MemoryReport
{
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'nndescent';
  /** Format version written by {@link NnDescentIndex.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by. */
  readonly metric: Metric;
  /** Seed of every random choice. */
  readonly seed: number;
  /** K, neighbours per point in the k-NN graph. */
  readonly nNeighbors: number;
  /** The stored vectors (normalised for cosine), row i at `i * dim`. */
  readonly store: VectorStore;

  private readonly options: ResolvedOptions;
  private readonly policy: MetricPolicy;
  private readonly dc: DistanceComputer;
  private readonly ctx: GraphSearchContext;
  private parts: GraphParts;
  private info: NnDescentBuildInfo | null;

  /**
   * @param options - `dim` (required), `metric`, `seed`, `kernels`, `nNeighbors`, `rho`,
   * `delta`, `maxIterations`, `nTrees`, `leafSize`, `pruneDegreeMultiplier`, `diversifyProb`.
   * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option.
   */
  constructor(options: NnDescentOptions) {
    const o = resolveOptions(options);
    this.options = o;
    this.dim = o.dim;
    this.metric = o.metric;
    this.seed = o.seed;
    this.nNeighbors = o.nNeighbors;
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels: o.kernels });
    this.dc = new DistanceComputer(this.store, this.policy);
    const maxDegree = maxDegreeOf(o.pruneDegreeMultiplier, o.nNeighbors);
    this.ctx = new GraphSearchContext(16, maxDegree);
    this.parts = emptyParts(this.dim, o.nNeighbors, maxDegree);
    this.info = null;
  }

  /** Number of indexed vectors. */
  get size(): number {
    return this.store.size;
  }

  /**
   * Add `n × dim` vectors; ids continue from {@link NnDescentIndex.size}. Rebuilds the k-NN
   * graph, the search graph and the search tree over every vector added so far (NN-Descent is
   * a batch algorithm): add all data in one call. Nothing changes if any value is invalid.
   *
   * `options.onProgress(done, total)` counts the build's steps: `total = nTrees +
   * maxIterations + 1` — one per initialisation tree, one per NN-Descent iteration (an early
   * stop at convergence jumps to the last), and one for the search graph. The build is one
   * step, committed at its end: a callback that throws leaves the index as it was before the
   * call.
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    const { n, onProgress } = beginAdd(vectors, this.dim, options, 'NnDescentIndex.add options');
    if (n === 0) return;
    const input = stableInput(vectors);
    const before = this.store.size;
    this.store.append(input);
    try {
      this.build(onProgress);
    } catch (e) {
      // Only a throwing callback gets here: the parts are replaced only at the end of build.
      this.store.truncate(before);
      throw e;
    }
  }

  /**
   * The k nearest indexed vectors of each query, approximately.
   *
   * @param queries - `nq × dim` row-major.
   * @param k - neighbours per query; rows are padded with −1/+Infinity when fewer are found.
   * @param params - `efSearch` (default max(nNeighbors, k)), `stats` (distance computations; hops = points expanded).
   */
  search(queries: Float32Array, k: number, params?: NnDescentSearchParams): SearchResult {
    const p = checkSearchParams<NnDescentSearchParams>(params, SEARCH_KEYS, 'NnDescentIndex.search params');
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const ef = efOf(k, this.nNeighbors, p);
    const q = stableInput(queries);
    const result = createSearchResult(nq, k);
    if (this.store.size === 0 || nq === 0) return result;
    this.ctx.ensureCapacity(this.store.size);
    const g = this.parts;
    for (let i = 0; i < nq; i++) {
      searchGraph(
        g.graph,
        g.tree,
        g.entries,
        this.store.size,
        this.ctx,
        this.dc,
        this.policy,
        q,
        i * this.dim,
        k,
        ef,
        result.ids,
        result.distances,
        i * k,
        p.stats,
      );
    }
    return result;
  }

  /**
   * One query into caller-owned output: the k nearest of `query[qOff .. qOff + dim)` go to
   * `outIds`/`outDist` at `outOff`, ascending, padded. Inputs are not validated here;
   * `search` does that. See `search.ts` for the walk.
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params?: NnDescentSearchParams,
  ): void {
    const ef = Math.max(k, params?.efSearch ?? this.nNeighbors);
    this.ctx.ensureCapacity(this.store.size);
    const g = this.parts;
    searchGraph(
      g.graph,
      g.tree,
      g.entries,
      this.store.size,
      this.ctx,
      this.dc,
      this.policy,
      query,
      qOff,
      k,
      ef,
      outIds,
      outDist,
      outOff,
      params?.stats,
    );
  }

  /**
   * Search one query and record what the search did: the tree leaf that gave the entry
   * points, the entry points, and every point expanded, in order, with its distance. A
   * separate, allocating path for learners; `result` equals {@link NnDescentIndex.search}'s.
   *
   * @param query - one vector (`dim` values).
   */
  explain(query: Float32Array, k: number, params?: NnDescentSearchParams): NnDescentExplanation {
    const p = checkSearchParams<NnDescentSearchParams>(params, SEARCH_KEYS, 'NnDescentIndex.explain params');
    const nq = checkVectors(query, this.dim, 'query');
    if (nq !== 1) throw new AnnlabError('INVALID_PARAMETER', `explain takes exactly one query (${this.dim} values), got ${nq}.`);
    checkK(k);
    const g = this.parts;
    return explainSearch(
      g.graph,
      g.tree,
      g.entries,
      this.store.size,
      this.dc,
      this.policy,
      stableInput(query),
      k,
      efOf(k, this.nNeighbors, p),
    );
  }

  /**
   * The all-pairs approximate k-NN graph NN-Descent built (UMAP's input): for every indexed
   * point its `nNeighbors` nearest other points, ascending by (distance, id), with reported
   * distances. A copy; `n × k` row-major. Rows of a set with fewer than `k + 1` points are
   * padded with −1/+Infinity.
   */
  knnGraph(): KnnGraph {
    return { k: this.nNeighbors, n: this.store.size, ids: this.parts.knnIds.slice(), distances: this.parts.knnDist.slice() };
  }

  /**
   * The out-neighbours of point `id` in the search graph (after diversification, reverse
   * edges and degree pruning), closest first. A copy.
   * @throws AnnlabError `INVALID_PARAMETER` for an id out of range.
   */
  neighbors(id: number): Int32Array {
    checkId(id, this.store.size);
    const stride = this.parts.graph.maxDegree + 1;
    const base = id * stride;
    return this.parts.graph.links.slice(base + 1, base + 1 + this.parts.graph.links[base]);
  }

  /** What the last build did (iterations, updates per iteration, edges); null before the first `add`. */
  buildInfo(): NnDescentBuildInfo | null {
    return this.info === null ? null : { ...this.info, updatesPerIteration: this.info.updatesPerIteration.slice() };
  }

  /**
   * Check the index's invariants (hnswlib's `checkIntegrity`): k-NN rows sorted without
   * self-links or repeats, search-graph degrees within the cap, the search tree acyclic and
   * covering every point once. Reports violations (at most 50); never throws.
   */
  checkInvariants(): InvariantReport {
    return checkParts(this.parts);
  }

  /**
   * A copy of stored vector `id` (unit-normalised for cosine).
   * @throws AnnlabError `INVALID_PARAMETER` for an id out of range.
   */
  reconstruct(id: number): Float32Array {
    return this.store.row(checkId(id, this.store.size));
  }

  /** Bytes held: vectors, k-NN graph, search graph, search tree, entry points, search scratch. */
  memoryBytes(): number {
    const g = this.parts;
    return (
      this.store.memoryBytes() +
      g.knnIds.byteLength +
      g.knnDist.byteLength +
      g.graph.links.byteLength +
      g.tree.memoryBytes() +
      g.entries.byteLength +
      this.ctx.memoryBytes()
    );
  }

  /**
   * Bytes the index's structures use for the vectors it holds (no spare capacity, no search
   * scratch): `size × dim × 4` for the vectors, `size × K × 8` for the k-NN graph (ids and
   * distances), `size × (1 + maxDegree) × 4` for the search graph, the search tree's arrays
   * and the entry points.
   */
  usedBytes(): number {
    const g = this.parts;
    return (
      this.store.usedBytes() +
      g.knnIds.byteLength +
      g.knnDist.byteLength +
      g.graph.links.byteLength +
      g.tree.memoryBytes() +
      g.entries.byteLength
    );
  }

  /**
   * The index as an annlab file: parameters and build record; the `n × dim` vectors; the
   * k-NN graph (ids, distances); the search graph; the search tree; the entry points. The same
   * seed and the same calls give the same bytes.
   */
  serialize(): Uint8Array {
    const o = this.options;
    const params = {
      dim: this.dim,
      metric: this.metric,
      seed: this.seed,
      nNeighbors: this.nNeighbors,
      rho: o.rho,
      delta: o.delta,
      maxIterations: o.maxIterations < 0 ? undefined : o.maxIterations,
      nTrees: o.nTrees < 0 ? undefined : o.nTrees,
      leafSize: o.leafSize,
      pruneDegreeMultiplier: o.pruneDegreeMultiplier,
      diversifyProb: o.diversifyProb,
      root: this.parts.tree.root,
      info: this.info,
    };
    return writeFile(NnDescentIndex.TAG, NnDescentIndex.FORMAT_VERSION, params, this.store.view(), this.parts);
  }

  /**
   * Load an index written by {@link NnDescentIndex.serialize}. Damaged, foreign or
   * inconsistent bytes throw `CORRUPT_DATA` (or `WRONG_FORMAT` for another file kind).
   *
   * @param options - `kernels`: the distance backend of the loaded index, by default
   * `'auto'` like a freshly built one, so the reloaded index returns the same distances.
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): NnDescentIndex {
    const kernels = checkKernelBackend(options.kernels);
    const { reader, params: p } = openFile(bytes, NnDescentIndex.TAG, NnDescentIndex.FORMAT_VERSION);
    const index = asCorruptData(
      FILE_KIND,
      () =>
        new NnDescentIndex({
          dim: p.dim,
          metric: p.metric,
          seed: p.seed,
          kernels,
          nNeighbors: p.nNeighbors,
          rho: p.rho,
          delta: p.delta,
          maxIterations: p.maxIterations,
          nTrees: p.nTrees,
          leafSize: p.leafSize,
          pruneDegreeMultiplier: p.pruneDegreeMultiplier,
          diversifyProb: p.diversifyProb,
        }),
    );
    const maxDegree = index.parts.graph.maxDegree;
    const { vectors, parts } = readSections(reader, p, index.dim, index.nNeighbors, maxDegree);
    const report = checkParts(parts);
    if (!report.ok) refuseInconsistent(report.errors);
    const adopted = VectorStore.adopt(index.dim, vectors, index.store.normalize);
    index.store.data = adopted.data;
    index.store.size = adopted.size;
    index.parts = parts;
    index.info = p.info === null ? null : { ...p.info, updatesPerIteration: p.info.updatesPerIteration.slice() };
    return index;
  }

  /** Build everything over the stored vectors (see the module doc). */
  private build(onProgress: ProgressCallback | null = null): void {
    const o = this.options;
    const n = this.store.size;
    const K = o.nNeighbors;
    const rng = new Rng(this.seed);
    const nTrees = o.nTrees < 0 ? defaultTrees(n) : o.nTrees;
    const maxIterations = o.maxIterations < 0 ? defaultIterations(n) : o.maxIterations;
    const steps = nTrees + maxIterations + 1;
    const cosine = this.policy.normalize;
    const trees: FlatTree[] = [];
    const ip = new DistanceComputer(this.store, metricPolicy('inner-product'));
    for (let t = 0; t < nTrees; t++) {
      trees.push(buildTree(this.dim, n, o.leafSize, cosine, rng, ip));
      if (onProgress !== null) onProgress(t + 1, steps);
    }
    const dc = new DistanceComputer(this.store, this.policy);
    const onIteration = onProgress === null ? null : (it: number): void => onProgress(nTrees + it, steps);
    const descent = nnDescent(dc, n, { nNeighbors: K, rho: o.rho, delta: o.delta, maxIterations }, trees, rng, onIteration);
    if (onProgress !== null && descent.iterations < maxIterations) onProgress(nTrees + maxIterations, steps);
    const rows = sortedRows(descent.heaps);
    const maxDegree = maxDegreeOf(o.pruneDegreeMultiplier, K);
    const graph: SearchGraph = buildSearchGraph(
      dc,
      rows.ids,
      rows.dist,
      n,
      K,
      maxDegree,
      o.diversifyProb,
      this.metric !== 'inner-product',
      rng,
    );
    // Reported distances, re-sorted so rows stay ascending by (reported float32, id).
    const knnDist = new Float32Array(n * K);
    const scratch = new Float64Array(K);
    const ids = rows.ids;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < K; j++) scratch[j] = ids[i * K + j] < 0 ? Infinity : Math.fround(this.policy.toReported(rows.dist[i * K + j]));
      const rowIds = ids.subarray(i * K, i * K + K);
      sortRow(rowIds, scratch, 0, K);
      for (let j = 0; j < K; j++) knnDist[i * K + j] = scratch[j];
    }
    let entries = new Int32Array(0);
    if (nTrees === 0) {
      const count = Math.min(o.leafSize, n);
      entries = new Int32Array(count);
      const picked = new Uint8Array(n);
      for (let j = 0; j < count; j++) {
        let id = rng.nextInt(n);
        while (picked[id]) id = (id + 1) % n;
        picked[id] = 1;
        entries[j] = id;
      }
    }
    const tree = nTrees > 0 ? trees[0] : new FlatTree(this.dim);
    if (onProgress !== null) onProgress(steps, steps);
    this.parts = { n, k: K, knnIds: ids, knnDist, graph, tree, entries };
    this.info = {
      points: n,
      nNeighbors: K,
      nTrees,
      maxIterations,
      iterations: descent.iterations,
      updatesPerIteration: descent.updates,
      exact: descent.exact,
      searchEdges: graph.edges,
      maxDegree,
    };
  }
}

function emptyParts(dim: number, K: number, maxDegree: number): GraphParts {
  return {
    n: 0,
    k: K,
    knnIds: new Int32Array(0),
    knnDist: new Float32Array(0),
    graph: { maxDegree, links: new Int32Array(0), edges: 0 },
    tree: new FlatTree(dim),
    entries: new Int32Array(0),
  };
}

NnDescentIndex satisfies IndexClass<NnDescentIndex>;
