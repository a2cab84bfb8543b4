/**
 * Vamana: the graph index of DiskANN, in memory. Each point keeps at most R out-neighbours,
 * chosen by RobustPrune with a slack α > 1 so that, besides its closest neighbours, a point
 * keeps some long edges; a query runs a greedy best-first search (list size L) from one fixed
 * start node, the medoid. Unlike HNSW there is one flat graph and no hierarchy: the long
 * edges α keeps do the work of HNSW's upper layers.
 *
 * Citation: S. J. Subramanya, Devvrit, R. Kadekodi, R. Krishnaswamy, H. V. Simhadri,
 * "DiskANN: Fast Accurate Billion-point Nearest Neighbor Search on a Single Node", NeurIPS
 * 2019. Inserts after the build follow A. Singh, S. J. Subramanya, R. Krishnaswamy,
 * H. V. Simhadri, "FreshDiskANN", arXiv:2105.09613, 2021.
 *
 * This class is the facade; each concern has its own file. Paper → code:
 * - Algorithm 1 GreedySearch(s, x_q, k, L) → core's `graph-search.ts` (`graphSearch`,
 *   `graphSearchRecorded`), called by `search.ts` (`searchGraph`) behind
 *   {@link VamanaIndex.searchInto}, and by `build.ts` while indexing;
 * - Algorithm 2 RobustPrune(p, 𝒱, α, R) → `robust-prune.ts` (`robustPrune`);
 * - Algorithm 3 Vamana indexing (random R-regular graph, medoid, two passes α = 1 then α)
 *   → `build.ts` (`buildVamana`), run by the first {@link VamanaIndex.add};
 * - FreshDiskANN's Insert → `build.ts` (`insertPoint`), run by later `add`s;
 * - the recorded search for learners → `explain.ts`; the file → `internal/persistence.ts`;
 *   hnswlib's `checkIntegrity` → `internal/invariants.ts`.
 *
 * Out of scope, stated honestly: DiskANN's SSD layout (PQ-compressed vectors in RAM, full
 * vectors and the graph on disk, beam search issuing W parallel reads per hop) is not
 * implemented; this is the in-memory Vamana index the paper also evaluates. Deletion
 * (FreshDiskANN's lazy delete + consolidation) is not implemented either.
 *
 * @module
 */
import {
  AnnlabError,
  DistanceComputer,
  GraphSearchContext,
  VectorStore,
  asCorruptData,
  beginAdd,
  reportProgress,
  checkId,
  checkK,
  checkKernelBackend,
  checkSearchParams,
  checkVectors,
  createSearchResult,
  metricPolicy,
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
  type Reconstructible,
  type SearchResult,
} from '@annlab/core';
import { BuildContext, buildVamana, insertPoint } from './build.js';
import { explainSearch, type VamanaExplanation } from './explain.js';
import { VamanaGraph } from './internal/graph.js';
import { checkGraph, reachableFrom } from './internal/invariants.js';
import { FILE_KIND, openVamanaFile, readVamanaSections, refuseInconsistent, writeVamanaFile } from './internal/persistence.js';
import { resolveOptions, type VamanaGraphInfo, type VamanaOptions } from './options.js';
import { DEFAULT_SEARCH_L, SEARCH_KEYS, searchGraph, searchLOf, type VamanaSearchParams } from './search.js';

/**
 * Vamana graph index (DiskANN, in memory) over row-major `Float32Array`s.
 *
 * The first non-empty `add` builds the graph over everything added; later ones insert each
 * new point (FreshDiskANN). Add all data in one call for the best graph.
 *
 * @example
 * ```ts
 * import { VamanaIndex } from '@annlab/vamana';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const index = new VamanaIndex({ dim, metric: 'euclidean', R: 32, L: 64, alpha: 1.2, seed: 1 });
 * index.add(vectors);                                  // builds the graph (two passes); later adds insert
 * const queries = vectors.subarray(0, 5 * dim);
 * const r = index.search(queries, 10, { searchL: 50 }); // search list size (≥ k); larger: higher recall
 * const again = VamanaIndex.deserialize(index.serialize());
 * again.search(queries, 10, { searchL: 50 });          // identical to r
 * ```
 */
export class VamanaIndex
  implements
    AnnIndex<VamanaSearchParams>,
    Reconstructible,
    Explainable<VamanaSearchParams, VamanaExplanation>,
    InvariantCheckable,
    MemoryReport
{
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'vamana';
  /** Format version written by {@link VamanaIndex.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by. */
  readonly metric: Metric;
  /** Maximum out-degree (see {@link VamanaOptions.R}). */
  readonly R: number;
  /** Build list size (see {@link VamanaOptions.L}). */
  readonly L: number;
  /** Pruning slack of the second pass and of inserts (see {@link VamanaOptions.alpha}). */
  readonly alpha: number;
  /** Seed of the build's random choices. */
  readonly seed: number;
  /** The stored vectors (normalised for cosine), row i at `i * dim`. */
  readonly store: VectorStore;

  private readonly graph: VamanaGraph;
  private readonly policy: MetricPolicy;
  private readonly dc: DistanceComputer;
  private readonly ctx: GraphSearchContext;
  private readonly build: BuildContext;
  private readonly entry: Int32Array;

  /**
   * @param options - `dim` (required), `metric`, `seed`, `kernels`, `R`, `L`, `alpha`.
   * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option.
   */
  constructor(options: VamanaOptions) {
    const o = resolveOptions(options);
    this.dim = o.dim;
    this.metric = o.metric;
    this.R = o.R;
    this.L = o.L;
    this.alpha = o.alpha;
    this.seed = o.seed;
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels: o.kernels });
    this.graph = new VamanaGraph(this.R, 0);
    this.dc = new DistanceComputer(this.store, this.policy);
    this.ctx = new GraphSearchContext(16, this.R);
    this.entry = new Int32Array(1);
    const ip = this.metric === 'inner-product';
    const pdc = ip ? new DistanceComputer(this.store, metricPolicy('euclidean')) : this.dc;
    this.build = new BuildContext(this.graph, new DistanceComputer(this.store, this.policy), pdc, !ip, new GraphSearchContext(16, this.R));
  }

  /** Number of stored (searchable) vectors. */
  get size(): number {
    return this.graph.nodes;
  }

  /**
   * Add `n × dim` vectors; ids continue from {@link VamanaIndex.size}. The first non-empty
   * `add` builds the graph over everything added (Algorithm 3: random R-regular graph,
   * medoid, two passes); later ones insert each new point (GreedySearch, RobustPrune,
   * reverse edges). Nothing changes if any value is invalid.
   *
   * `options.onProgress(done, total)`: the first add counts the inserts of both passes,
   * `total = 2n`; later adds count the points inserted, `total = n`; a call every 2,048
   * inserts (core's `PROGRESS_EVERY`) and at the end (of each pass). The build is one step:
   * a callback that throws during it leaves the index as it was before the call (empty).
   * Later adds are incremental: a callback that throws keeps exactly the points inserted
   * before it, as if `add` had been called with only them.
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    const { n, onProgress } = beginAdd(vectors, this.dim, options, 'VamanaIndex.add options');
    if (n === 0) return;
    const graph = this.graph;
    const first = this.store.append(vectors);
    const total = this.store.size;
    graph.ensureCapacity(total);
    this.ctx.ensureCapacity(total);
    this.build.search.ensureCapacity(total);
    if (first === 0) {
      try {
        buildVamana(this.build, total, this.L, this.alpha, this.seed, onProgress);
      } catch (e) {
        // Only a throwing callback gets here: undo the half-built graph.
        graph.adj.fill(0, 0, total * graph.stride);
        graph.nodes = 0;
        graph.medoid = -1;
        this.store.truncate(0);
        throw e;
      }
      return;
    }
    const adj = graph.adj;
    const stride = graph.stride;
    try {
      for (let p = first; p < total; p++) {
        adj[p * stride] = 0;
        graph.nodes = p + 1;
        insertPoint(this.build, p, p + 1, this.L, this.alpha);
        const done = p + 1 - first;
        reportProgress(onProgress, done, n);
      }
    } catch (e) {
      // Only a throwing callback gets here, between two inserts: keep the points inserted.
      this.store.truncate(graph.nodes);
      throw e;
    }
  }

  /**
   * The k nearest stored vectors of each query, approximately.
   *
   * @param queries - `nq × dim` row-major.
   * @param k - neighbours per query; rows are padded with −1/+Infinity when fewer exist.
   * @param params - `searchL` (default max(64, k)), `stats` (distance computations, hops = nodes expanded).
   */
  search(queries: Float32Array, k: number, params?: VamanaSearchParams): SearchResult {
    const p = checkSearchParams<VamanaSearchParams>(params, SEARCH_KEYS, 'VamanaIndex.search params');
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const L = searchLOf(k, p);
    const result = createSearchResult(nq, k);
    if (this.graph.nodes === 0 || nq === 0) return result;
    for (let q = 0; q < nq; q++) {
      searchGraph(
        this.graph,
        this.ctx,
        this.dc,
        this.policy,
        this.entry,
        queries,
        q * this.dim,
        k,
        L,
        result.ids,
        result.distances,
        q * k,
        p.stats,
      );
    }
    return result;
  }

  /**
   * One query into caller-owned output: the k nearest of `query[qOff .. qOff + dim)` go to
   * `outIds`/`outDist` at `outOff`, ascending, padded. Inputs are not validated here;
   * `search` does that. See `search.ts`.
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params?: VamanaSearchParams,
  ): void {
    const sl = params?.searchL ?? DEFAULT_SEARCH_L;
    const L = sl > k ? sl : k;
    searchGraph(this.graph, this.ctx, this.dc, this.policy, this.entry, query, qOff, k, L, outIds, outDist, outOff, params?.stats);
  }

  /**
   * Search one query and record what GreedySearch did: the start node, the nodes expanded in
   * order with their distances, the distances computed. A separate, allocating path for
   * learners; `result` equals {@link VamanaIndex.search}'s answer.
   *
   * @param query - one vector (`dim` values).
   */
  explain(query: Float32Array, k: number, params?: VamanaSearchParams): VamanaExplanation {
    const p = checkSearchParams<VamanaSearchParams>(params, SEARCH_KEYS, 'VamanaIndex.explain params');
    const nq = checkVectors(query, this.dim, 'query');
    if (nq !== 1) throw new AnnlabError('INVALID_PARAMETER', `explain takes exactly one query (${this.dim} values), got ${nq}.`);
    checkK(k);
    return explainSearch(this.graph, this.ctx, this.dc, this.policy, this.entry, query, k, searchLOf(k, p));
  }

  /**
   * A copy of node `id`'s out-neighbours, closest first as RobustPrune kept them (reverse
   * edges appended later follow).
   * @throws AnnlabError `INVALID_PARAMETER` for an id out of range.
   */
  neighbors(id: number): Int32Array {
    checkId(id, this.graph.nodes);
    const base = id * this.graph.stride;
    return this.graph.adj.slice(base + 1, base + 1 + this.graph.adj[base]);
  }

  /** Shape of the graph: nodes, edges, degrees, the start node, and how many nodes it reaches. */
  graphInfo(): VamanaGraphInfo {
    const g = this.graph;
    let edges = 0;
    let maxDegree = 0;
    for (let i = 0; i < g.nodes; i++) {
      const d = g.degree(i);
      edges += d;
      if (d > maxDegree) maxDegree = d;
    }
    return {
      nodes: g.nodes,
      edges,
      meanDegree: g.nodes === 0 ? 0 : edges / g.nodes,
      maxDegree,
      medoid: g.medoid,
      reachable: reachableFrom(g),
    };
  }

  /**
   * Check the graph's invariants (hnswlib's `checkIntegrity`): out-degrees ≤ R, neighbour
   * ids in range, no self-loops or repeated links, a valid start node. Reports violations
   * (at most 50); never throws. Reachability is in {@link VamanaIndex.graphInfo}.
   */
  checkInvariants(): InvariantReport {
    return checkGraph(this.graph, this.store.size);
  }

  /**
   * A copy of stored vector `id` (unit-normalised for cosine).
   * @throws AnnlabError `INVALID_PARAMETER` for an id out of range.
   */
  reconstruct(id: number): Float32Array {
    checkId(id, this.store.size);
    return this.store.row(id);
  }

  /**
   * Bytes the index uses: n × (4·dim + 4·(1 + R)) — the vectors and each node's adjacency
   * block (degree, then up to R out-neighbours). No spare capacity and no scratch
   * ({@link VamanaIndex.memoryBytes}).
   */
  usedBytes(): number {
    return this.store.usedBytes() + this.graph.nodes * this.graph.stride * 4;
  }

  /** Bytes allocated: vectors and adjacency at their capacity, search and build scratch. */
  memoryBytes(): number {
    return (
      this.store.memoryBytes() +
      this.graph.memoryBytes() +
      this.ctx.memoryBytes() +
      this.build.search.memoryBytes() +
      this.build.prune.memoryBytes()
    );
  }

  /**
   * The index as an annlab file: parameters (with the start node), the `size × dim` vectors,
   * the `size × (1 + R)` adjacency. The same seed and the same sequence of calls give the
   * same bytes.
   */
  serialize(): Uint8Array {
    const params = {
      dim: this.dim,
      metric: this.metric,
      seed: this.seed,
      R: this.R,
      L: this.L,
      alpha: this.alpha,
      nodes: this.graph.nodes,
      medoid: this.graph.medoid,
    };
    return writeVamanaFile(VamanaIndex.TAG, VamanaIndex.FORMAT_VERSION, params, this.store, this.graph);
  }

  /**
   * Load an index written by {@link VamanaIndex.serialize}. Damaged, foreign or inconsistent
   * bytes throw `CORRUPT_DATA` (or `WRONG_FORMAT` for another file kind).
   *
   * @param options - `kernels`: the distance backend of the loaded index, by default
   * `'auto'` like a freshly built one, so the reloaded index returns the same distances as
   * the saved one.
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): VamanaIndex {
    const kernels = checkKernelBackend(options.kernels);
    const { reader, params: p } = openVamanaFile(bytes, VamanaIndex.TAG, VamanaIndex.FORMAT_VERSION);
    const index = asCorruptData(
      FILE_KIND,
      () => new VamanaIndex({ dim: p.dim, metric: p.metric, seed: p.seed, R: p.R, L: p.L, alpha: p.alpha, kernels }),
    );
    const { data, adj } = readVamanaSections(reader, p);
    const adopted = asCorruptData(FILE_KIND, () => VectorStore.adopt(p.dim, data, index.store.normalize));
    const n = adopted.size;
    const g = index.graph;
    g.adj = n > 0 ? adj : new Int32Array(g.stride);
    g.nodes = n;
    g.medoid = p.medoid;
    index.store.data = adopted.data;
    index.store.size = n;
    const report = index.checkInvariants();
    if (!report.ok) refuseInconsistent(report.errors);
    index.ctx.ensureCapacity(n);
    index.build.search.ensureCapacity(n);
    return index;
  }
}

VamanaIndex satisfies IndexClass<VamanaIndex>;
