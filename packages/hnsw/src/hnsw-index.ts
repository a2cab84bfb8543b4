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
 * Paper step → code:
 * - Alg. 1 INSERT → {@link HnswIndex.insert} (level draw: {@link HnswIndex.drawLevel},
 *   `l = ⌊−ln(unif(0..1)) · mL⌋`, mL = 1/ln M).
 * - Alg. 2 SEARCH-LAYER → {@link HnswIndex.searchLayer} (plain), `searchLayerInsert` (the
 *   same, ties to newer ids, for INSERT), `searchLayerChecked` (filters, deletions, stats, trace); with ef = 1 on the upper levels specialised as the
 *   greedy walk `greedyClosest` (hnswlib does the same).
 * - Alg. 3 SELECT-NEIGHBORS-SIMPLE → {@link HnswIndex.selectNeighborsSimple}.
 * - Alg. 4 SELECT-NEIGHBORS-HEURISTIC → {@link HnswIndex.selectNeighborsHeuristic} (default).
 * - Alg. 5 K-NN-SEARCH → {@link HnswIndex.knnSearch} / {@link HnswIndex.searchInto}.
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
  BinaryReader,
  BinaryWriter,
  DistanceComputer,
  MaxHeap,
  MinHeap,
  Rng,
  SearchStats,
  VectorStore,
  VisitedSet,
  checkDim,
  checkInteger,
  checkK,
  checkKnownKeys,
  checkMetric,
  checkOptions,
  checkSeed,
  checkVectors,
  createSearchResult,
  drainToRow,
  metricPolicy,
  type AnnIndex,
  type IndexOptions,
  type Metric,
  type MetricPolicy,
  type SearchParams,
  type SearchResult,
} from '@annlab/core';
import { bitsetCount, type HnswFilter } from './filter.js';

/** How a node's neighbours are chosen from the candidates a search found. */
export type NeighborSelection = 'heuristic' | 'simple';

/** Construction options for {@link HnswIndex}. */
export interface HnswIndexOptions extends IndexOptions {
  /**
   * Links per node on the upper levels (Mmax); level 0 holds up to Mmax0 = 2·M. Range 2–1000,
   * typically 8–48. Larger M: higher recall at a given efSearch on hard (high intrinsic
   * dimension) data, slower build (∝ M), more memory (≈ 4·(2M+1) bytes per node for level
   * 0) and more distance computations per hop.
   * @defaultValue 16
   */
  M?: number;
  /**
   * Beam width of the search used while inserting. Range 1–2^20, typically 100–500. Larger:
   * better graph (recall at a fixed efSearch rises until it saturates) at a build time
   * roughly proportional to it; no effect on memory or query speed.
   * @defaultValue 200
   */
  efConstruction?: number;
  /**
   * `'heuristic'` (Alg. 4, default): keep candidates that are closer to the base than to any
   * kept neighbour, which keeps links between clusters. `'simple'` (Alg. 3): the M closest;
   * for teaching and comparison, noticeably worse on clustered data.
   * @defaultValue `'heuristic'`
   */
  neighborSelection?: NeighborSelection;
  /**
   * Nodes to allocate room for up front; capacity doubles when exceeded. Only affects
   * memory before the index fills and the number of reallocations.
   * @defaultValue 1024
   */
  capacity?: number;
}

/**
 * Work counters for HNSW searches: the common {@link SearchStats} counters plus the number of
 * nodes expanded on each level (`hopsPerLayer[level]`).
 */
export class HnswSearchStats extends SearchStats {
  /** Nodes expanded per level, index = level (0 = bottom); grows as needed. */
  hopsPerLayer: number[];

  /** All counters start at zero. */
  constructor() {
    super();
    this.hopsPerLayer = [];
  }

  /** Set every counter back to zero. */
  override reset(): void {
    super.reset();
    this.hopsPerLayer = [];
  }
}

/** Search parameters for {@link HnswIndex}. */
export interface HnswSearchParams extends SearchParams {
  /**
   * Beam width on level 0 (the size of the dynamic list W). Range 1–2^24; the search uses
   * max(efSearch, k). Larger: higher recall, proportionally slower queries. No effect on
   * the index.
   * @defaultValue max(k, 64)
   */
  efSearch?: number;
  /**
   * Only return ids this allow-list accepts (see {@link HnswFilter}). Whenever at least k
   * live ids pass, k results come back: selective bitsets are answered by an exact scan
   * over the allowed ids, and a graph search that falls short is completed by a scan.
   */
  filter?: HnswFilter;
}

/** One level of an {@link HnswIndex.explain} trace. */
export interface HnswLayerTrace {
  /** The level (0 = bottom). */
  level: number;
  /** The node the walk entered this level at. */
  entry: number;
  /** Nodes expanded on this level, in order (on upper levels, the greedy path). */
  path: number[];
  /** Distances computed on this level. */
  distanceComputations: number;
}

/** The answer of {@link HnswIndex.explain}: the search result and the path per level. */
export interface HnswExplanation {
  /** The k results (1 × k). */
  result: SearchResult;
  /** Levels from the top down to 0. */
  layers: HnswLayerTrace[];
  /** `'graph'`, `'graph+scan'` (a filtered graph search completed by a scan) or `'scan'`. */
  strategy: 'graph' | 'graph+scan' | 'scan';
}

/** What {@link HnswIndex.checkInvariants} found. */
export interface HnswInvariantReport {
  /** True when no violation was found (unreachable nodes are reported, not a violation). */
  ok: boolean;
  /** Violations found (at most 50 are listed). */
  errors: string[];
  /** Live nodes that cannot be reached from the entry point on level 0. */
  unreachable: number;
  /** Ids allocated (live and deleted). */
  nodes: number;
  /** Level-0 links in total. */
  edges: number;
}

const OPTION_KEYS = ['dim', 'metric', 'seed', 'kernels', 'M', 'efConstruction', 'neighborSelection', 'capacity'] as const;
const SEARCH_KEYS = ['stats', 'efSearch', 'filter'] as const;
/** Ids per brute-force scan block. */
const SCAN_BLOCK = 256;
/** Highest level a node may draw (levels are stored in a Uint8Array). */
const MAX_LEVEL = 255;

/** The per-query allow test used by the checked search path (fixed shape). */
class AllowTest {
  deleted: Uint8Array;
  bits: Uint8Array | null;
  pred: ((id: number) => boolean) | null;

  constructor(deleted: Uint8Array) {
    this.deleted = deleted;
    this.bits = null;
    this.pred = null;
  }

  allows(id: number): boolean {
    if (this.deleted[id] !== 0) return false;
    const bits = this.bits;
    if (bits !== null) {
      const b = id >> 3;
      if (b >= bits.length || ((bits[b] >> (id & 7)) & 1) === 0) return false;
    }
    const pred = this.pred;
    return pred === null || pred(id) === true;
  }
}

/** Counters and optional path recording for the checked search path (fixed shape). */
class Tracer {
  distanceComputations: number;
  hops: number;
  path: number[] | null;

  constructor() {
    this.distanceComputations = 0;
    this.hops = 0;
    this.path = null;
  }
}

/**
 * An HNSW index over typed arrays.
 *
 * Layout (no per-node objects):
 * - `links0`: level-0 adjacency, `capacity × (1 + Mmax0)`; slot 0 of node i's block
 *   (`i·(1+Mmax0)`) holds its link count, the next `Mmax0` slots its neighbour ids.
 * - `upperLinks` / `upperOffset`: levels ≥ 1, CSR-style. A node of level L owns a block of
 *   `L × (1 + M)` ints starting at `upperOffset[i]` (−1 for level-0 nodes); level l ≥ 1 is at
 *   `upperOffset[i] + (l − 1)·(1 + M)`, count first.
 * - `levels`: each node's top level, `Uint8Array(capacity)`; `deleted`: 1 = marked deleted.
 * - Vectors live in core's {@link VectorStore}; distances go through {@link DistanceComputer}.
 */
export class HnswIndex implements AnnIndex<HnswSearchParams> {
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'hnsw';
  /** Format version written by {@link HnswIndex.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by. */
  readonly metric: Metric;
  /** Links per node on levels ≥ 1 (Mmax = M). */
  readonly M: number;
  /** Link capacity on level 0 (2·M). */
  readonly Mmax0: number;
  /** Beam width used while inserting. */
  readonly efConstruction: number;
  /** Level multiplier 1/ln M: levels are drawn as ⌊−ln(u)·mL⌋. */
  readonly mL: number;
  /** The seed of the level draws. */
  readonly seed: number;
  /** The neighbour-selection rule in use. */
  readonly neighborSelection: NeighborSelection;
  /** The stored vectors (normalised for cosine), row i at `i * dim`. */
  readonly store: VectorStore;

  /** Level-0 links, `capacity × (1 + Mmax0)`, count first (see class doc). */
  links0: Int32Array;
  /** Links on levels ≥ 1, blocks of `level × (1 + M)` ints; the first `upperUsed` are in use. */
  upperLinks: Int32Array;
  /** Start of each node's upper-level block in `upperLinks`, −1 for level-0 nodes; length capacity. */
  upperOffset: Int32Array;
  /** Top level of each node, length capacity. */
  levels: Uint8Array;
  /** 1 where the node is marked deleted, length capacity. */
  deleted: Uint8Array;
  /** Ints of `upperLinks` in use. */
  upperUsed: number;
  /** The entry point (a node on the top level), −1 when empty. */
  entryPoint: number;
  /** The top level, −1 when empty. */
  maxLevel: number;

  private readonly policy: MetricPolicy;
  private readonly dc: DistanceComputer;
  private readonly dcAux: DistanceComputer;
  private rng: Rng;
  private levelDraws: number;
  private live: number;
  /** True while some deleted node may still be linked into the graph (cleared by compact). */
  private linkedDeletes: boolean;
  private readonly stride0: number;
  private readonly strideU: number;
  /** Candidates at or below this internal distance from a base count as its duplicates. */
  private readonly dupEps: number;
  private readonly visited: VisitedSet;
  private readonly candidates: MinHeap;
  private readonly results: MaxHeap;
  /** Unvisited neighbour ids of one expansion, then their distances. */
  private readonly scratchIds: Int32Array;
  private readonly scratchDist: Float64Array;
  /** Sorted candidate lists for neighbour selection (insert and shrink). */
  private selIds: Int32Array;
  private selDist: Float64Array;
  /** Output of neighbour selection. */
  private readonly chosen: Int32Array;
  /** Neighbours chosen for the node being inserted, per level: (1 + M) ints each. */
  private pendingLinks: Int32Array;
  private readonly allow: AllowTest;
  private greedyId: number;
  private greedyDist: number;

  /** @param options - see {@link HnswIndexOptions}; `dim` is required. */
  constructor(options: HnswIndexOptions) {
    checkOptions(options, 'HnswIndex');
    checkKnownKeys(options, OPTION_KEYS, 'HnswIndex');
    this.dim = checkDim(options.dim);
    this.metric = checkMetric(options.metric);
    this.M = checkInteger('M', options.M ?? 16, 2, 1000);
    this.Mmax0 = 2 * this.M;
    this.efConstruction = checkInteger('efConstruction', options.efConstruction ?? 200, 1, 1 << 20);
    this.seed = checkSeed(options.seed ?? 42);
    const sel = options.neighborSelection ?? 'heuristic';
    if (sel !== 'heuristic' && sel !== 'simple') {
      throw new AnnlabError('INVALID_PARAMETER', `neighborSelection must be 'heuristic' or 'simple', got ${String(sel)}.`);
    }
    this.neighborSelection = sel;
    const capacity = checkInteger('capacity', options.capacity ?? 1024, 1, 1 << 30);
    this.mL = 1 / Math.log(this.M);
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, capacity, kernels: options.kernels });
    this.dc = new DistanceComputer(this.store, this.policy);
    this.dcAux = new DistanceComputer(this.store, this.policy);
    this.rng = new Rng(this.seed);
    this.levelDraws = 0;
    this.live = 0;
    this.linkedDeletes = false;
    this.stride0 = 1 + this.Mmax0;
    this.strideU = 1 + this.M;
    this.dupEps = this.policy.kind === 'l2' ? 0 : this.policy.bias === 1 ? 1e-6 : -Infinity;
    this.links0 = new Int32Array(capacity * this.stride0);
    this.upperLinks = new Int32Array(Math.max(64, (capacity >> 3) * this.strideU));
    this.upperOffset = new Int32Array(capacity).fill(-1);
    this.levels = new Uint8Array(capacity);
    this.deleted = new Uint8Array(capacity);
    this.upperUsed = 0;
    this.entryPoint = -1;
    this.maxLevel = -1;
    this.visited = new VisitedSet(capacity);
    this.candidates = new MinHeap(Math.max(64, this.efConstruction));
    this.results = new MaxHeap(Math.max(64, this.efConstruction) + 1);
    this.scratchIds = new Int32Array(Math.max(this.Mmax0 + 1, SCAN_BLOCK));
    this.scratchDist = new Float64Array(Math.max(this.Mmax0 + 1, SCAN_BLOCK));
    this.selIds = new Int32Array(Math.max(this.efConstruction, this.Mmax0) + 1);
    this.selDist = new Float64Array(this.selIds.length);
    this.chosen = new Int32Array(this.Mmax0 + 1);
    this.pendingLinks = new Int32Array(16 * this.strideU);
    this.allow = new AllowTest(this.deleted);
    this.greedyId = -1;
    this.greedyDist = Infinity;
  }

  /** Number of live (not deleted) vectors. */
  get size(): number {
    return this.live;
  }

  /** Ids allocated so far, live and deleted; the next added vector gets this id. */
  get idCount(): number {
    return this.store.size;
  }

  /** Whether `id` is a live (added, not deleted) id. */
  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.store.size && this.deleted[id] === 0;
  }

  // ---------------------------------------------------------------------------------------
  // Building
  // ---------------------------------------------------------------------------------------

  /**
   * Add `n × dim` vectors; their ids continue from {@link HnswIndex.idCount}. Each is
   * inserted with Alg. 1. Input is validated first, so a failed call leaves the index as it was.
   */
  add(vectors: Float32Array): void {
    const n = checkVectors(vectors, this.dim, 'vectors');
    if (n === 0) return;
    this.ensureCapacity(this.store.size + n);
    const dim = this.dim;
    for (let i = 0; i < n; i++) {
      const id = this.store.append(vectors, i * dim, 1);
      this.insert(id, this.drawLevel());
      this.live++;
    }
  }

  /**
   * Draw a node level: ⌊−ln(u) · mL⌋ with u uniform in (0, 1] from the seeded Rng, capped at
   * 255. P(level ≥ l) = M^(−l).
   */
  drawLevel(): number {
    this.levelDraws++;
    const u = 1 - this.rng.nextDouble();
    return Math.min(MAX_LEVEL, Math.floor(-Math.log(u) * this.mL));
  }

  /**
   * Alg. 1 INSERT: link the stored row `q` into the graph with top level `level`.
   *
   * Greedy descent (ef = 1) from the entry point down to `level + 1`; then on each level
   * from min(level, maxLevel) down to 0 a beam search of width efConstruction, neighbour
   * selection (M links), and reverse links, shrinking any neighbour list that overflows.
   */
  insert(q: number, level: number): void {
    this.levels[q] = level;
    if (level > 0) {
      const need = level * this.strideU;
      this.ensureUpper(this.upperUsed + need);
      this.upperOffset[q] = this.upperUsed;
      this.upperLinks.fill(0, this.upperUsed, this.upperUsed + need);
      this.upperUsed += need;
    }
    this.links0[q * this.stride0] = 0;
    if (this.entryPoint < 0) {
      this.entryPoint = q;
      this.maxLevel = level;
      return;
    }
    this.dc.setQueryToRow(q);
    this.linkNode(q, level, this.entryPoint);
    if (level > this.maxLevel) {
      this.entryPoint = q;
      this.maxLevel = level;
    }
  }

  /**
   * The body of INSERT for a node whose query is already set in `dc`: search from `ep`,
   * choose neighbours on levels min(level, maxLevel) … 0, write them, add reverse links.
   * `q` itself is never taken as its own neighbour (it may already be in the graph when
   * updating).
   */
  private linkNode(q: number, level: number, ep: number): void {
    const dc = this.dc;
    let cur = ep;
    let curDist = dc.distanceTo(cur);
    for (let lc = this.maxLevel; lc > level; lc--) {
      this.greedyClosest(cur, curDist, lc);
      cur = this.greedyId;
      curDist = this.greedyDist;
    }
    const top = Math.min(level, this.maxLevel);
    // Choose all levels' neighbours first, then write, so the searches see a consistent graph.
    if (this.pendingLinks.length < (top + 1) * this.strideU) this.pendingLinks = new Int32Array((top + 1) * this.strideU);
    const pending = this.pendingLinks;
    for (let lc = top; lc >= 0; lc--) {
      this.searchLayerInsert(cur, curDist, this.efConstruction, lc);
      const count = this.drainResultsExcluding(q);
      if (count > 0) {
        cur = this.selIds[0];
        curDist = this.selDist[0];
      }
      const kept = this.selectNeighbors(q, this.selIds, this.selDist, count, this.M, this.chosen);
      const pb = lc * this.strideU;
      pending[pb] = kept;
      for (let j = 0; j < kept; j++) pending[pb + 1 + j] = this.chosen[j];
    }
    for (let lc = top; lc >= 0; lc--) {
      const pb = lc * this.strideU;
      const kept = pending[pb];
      const arr = lc === 0 ? this.links0 : this.upperLinks;
      const base = this.linkBase(q, lc);
      arr[base] = kept;
      for (let j = 0; j < kept; j++) arr[base + 1 + j] = pending[pb + 1 + j];
      for (let j = 0; j < kept; j++) this.addReverseLink(pending[pb + 1 + j], q, lc);
    }
  }

  /**
   * Add the link e → q on level `lc`; if e's list is full, shrink {e's list ∪ q} back to
   * its capacity with the neighbour-selection rule, as hnswlib does.
   */
  private addReverseLink(e: number, q: number, lc: number): void {
    const arr = lc === 0 ? this.links0 : this.upperLinks;
    const base = this.linkBase(e, lc);
    const cnt = arr[base];
    for (let j = 1; j <= cnt; j++) if (arr[base + j] === q) return;
    const cap = lc === 0 ? this.Mmax0 : this.M;
    if (cnt < cap) {
      arr[base + 1 + cnt] = q;
      arr[base] = cnt + 1;
      return;
    }
    const ids = this.selIds;
    const dist = this.selDist;
    for (let j = 0; j < cnt; j++) ids[j] = arr[base + 1 + j];
    ids[cnt] = q;
    const dcAux = this.dcAux;
    dcAux.setQueryToRow(e);
    dcAux.distancesToIds(ids, 0, cnt + 1, dist, 0);
    sortByDistance(ids, dist, cnt + 1);
    const kept = this.selectNeighbors(e, ids, dist, cnt + 1, cap, this.chosen);
    arr[base] = kept;
    for (let j = 0; j < kept; j++) arr[base + 1 + j] = this.chosen[j];
  }

  /** Dispatch to Alg. 4 or Alg. 3 per `neighborSelection`. */
  private selectNeighbors(base: number, ids: Int32Array, dist: Float64Array, count: number, m: number, out: Int32Array): number {
    return this.neighborSelection === 'heuristic'
      ? this.selectNeighborsHeuristic(base, ids, dist, count, m, out)
      : this.selectNeighborsSimple(base, ids, dist, count, m, out);
  }

  /**
   * Alg. 3 SELECT-NEIGHBORS-SIMPLE: the `m` closest candidates. `ids`/`dist` hold `count`
   * candidates sorted ascending by distance to `base`.
   * @returns the number written to `out`.
   */
  selectNeighborsSimple(base: number, ids: Int32Array, dist: Float64Array, count: number, m: number, out: Int32Array): number {
    void dist;
    let kept = 0;
    for (let i = 0; i < count && kept < m; i++) if (ids[i] !== base) out[kept++] = ids[i];
    return kept;
  }

  /**
   * Alg. 4 SELECT-NEIGHBORS-HEURISTIC: walk the candidates from closest to farthest and keep
   * e unless some already-kept r is strictly closer to e than `base` is (d(e, r) < d(e, base)),
   * up to `m`. This prefers links in different directions, so clusters stay connected.
   *
   * `ids`/`dist` hold `count` candidates sorted ascending by distance to `base`, ties
   * newest (largest id) first. Duplicates of `base` (see the module doc) are capped at ⌊m/2⌋
   * and do not block other candidates. With fewer than `m` candidates all are kept (hnswlib).
   * @returns the number written to `out`.
   */
  selectNeighborsHeuristic(base: number, ids: Int32Array, dist: Float64Array, count: number, m: number, out: Int32Array): number {
    if (count < m) return this.selectNeighborsSimple(base, ids, dist, count, m, out);
    const dupEps = this.dupEps;
    let z = 0;
    while (z < count && dist[z] <= dupEps) z++;
    const maxDups = Math.max(1, m >> 1);
    const dc = this.dc;
    let kept = 0;
    let dups = 0;
    for (let i = 0; i < count && kept < m; i++) {
      const e = ids[i];
      if (e === base) continue;
      const de = dist[i];
      if (i < z) {
        if (dups < maxDups) {
          out[kept++] = e;
          dups++;
        }
        continue;
      }
      let good = true;
      for (let j = 0; j < kept; j++) {
        if (dc.symmetric(e, out[j]) < de) {
          good = false;
          break;
        }
      }
      if (good) out[kept++] = e;
    }
    return kept;
  }

  /**
   * Empty the insert-time result heap W (ids stored as `~id`, see
   * {@link HnswIndex.searchLayerInsert}) into `selIds`/`selDist`, ascending by distance with
   * ties newest (largest id) first, leaving out `exclude`. @returns the number written.
   */
  private drainResultsExcluding(exclude: number): number {
    const W = this.results;
    const n = W.size;
    if (this.selIds.length < n) {
      this.selIds = new Int32Array(n);
      this.selDist = new Float64Array(n);
    }
    const ids = this.selIds;
    const dist = this.selDist;
    for (let i = n - 1; i >= 0; i--) {
      dist[i] = W.dist[0];
      ids[i] = ~W.pop();
    }
    let w = 0;
    for (let i = 0; i < n; i++) {
      if (ids[i] === exclude) continue;
      ids[w] = ids[i];
      dist[w] = dist[i];
      w++;
    }
    return w;
  }

  // ---------------------------------------------------------------------------------------
  // Searching
  // ---------------------------------------------------------------------------------------

  /**
   * Greedy walk on level `level` (SEARCH-LAYER with ef = 1): move to the closest neighbour
   * while it improves. Result in `greedyId`/`greedyDist`. One distance call per expansion.
   */
  private greedyClosest(ep: number, epDist: number, level: number): void {
    const dc = this.dc;
    const scratch = this.scratchIds;
    const sd = this.scratchDist;
    const arr = level === 0 ? this.links0 : this.upperLinks;
    let cur = ep;
    let curDist = epDist;
    let changed = true;
    while (changed) {
      changed = false;
      const base = this.linkBase(cur, level);
      const cnt = arr[base];
      for (let j = 0; j < cnt; j++) scratch[j] = arr[base + 1 + j];
      dc.distancesToIds(scratch, 0, cnt, sd, 0);
      for (let j = 0; j < cnt; j++) {
        const d = sd[j];
        if (d < curDist || (d === curDist && scratch[j] < cur)) {
          curDist = d;
          cur = scratch[j];
          changed = true;
        }
      }
    }
    this.greedyId = cur;
    this.greedyDist = curDist;
  }

  /**
   * Alg. 2 SEARCH-LAYER (plain path: every node may enter W): best-first search on level
   * `level` from `ep` with a dynamic list of `ef` results. Leaves W in `this.results` (a
   * max-heap of at most `ef` items). Per expansion, the unvisited neighbours are gathered
   * into a scratch list and measured with one `distancesToIds` call.
   */
  searchLayer(ep: number, epDist: number, ef: number, level: number): void {
    const visited = this.visited;
    const C = this.candidates;
    const W = this.results;
    const dc = this.dc;
    const scratch = this.scratchIds;
    const sd = this.scratchDist;
    visited.clear();
    const tags = visited.tags;
    const epoch = visited.epoch;
    C.clear();
    W.clear();
    tags[ep] = epoch;
    C.push(epDist, ep);
    W.push(epDist, ep);
    const isBase = level === 0;
    const arr = isBase ? this.links0 : this.upperLinks;
    const stride0 = this.stride0;
    const upperOffset = this.upperOffset;
    const uOff = (level - 1) * this.strideU;
    while (C.size > 0) {
      if (C.dist[0] > W.dist[0]) break;
      const c = C.pop();
      const base = isBase ? c * stride0 : upperOffset[c] + uOff;
      const cnt = arr[base];
      let m = 0;
      for (let j = 1; j <= cnt; j++) {
        const nb = arr[base + j];
        if (tags[nb] !== epoch) {
          tags[nb] = epoch;
          scratch[m++] = nb;
        }
      }
      if (m === 0) continue;
      dc.distancesToIds(scratch, 0, m, sd, 0);
      for (let j = 0; j < m; j++) {
        const d = sd[j];
        if (W.size < ef) {
          const nb = scratch[j];
          C.push(d, nb);
          W.push(d, nb);
        } else if (d < W.dist[0]) {
          const nb = scratch[j];
          C.push(d, nb);
          W.replaceTop(d, nb);
        }
      }
    }
  }

  /**
   * Alg. 2 SEARCH-LAYER as used by INSERT: the plain search, except that W breaks distance
   * ties in favour of the *larger* id (W stores `~id`, so the heap's (distance, id) order
   * does it). Without ties it is identical to {@link HnswIndex.searchLayer}. With a block of
   * identical points (all at distance 0), W then collects the most recently inserted copies
   * instead of always the oldest ones, so each new copy links to its recent predecessors and
   * every copy keeps in-links (hnswlib #263; see the module doc).
   */
  private searchLayerInsert(ep: number, epDist: number, ef: number, level: number): void {
    const visited = this.visited;
    const C = this.candidates;
    const W = this.results;
    const dc = this.dc;
    const scratch = this.scratchIds;
    const sd = this.scratchDist;
    visited.clear();
    const tags = visited.tags;
    const epoch = visited.epoch;
    C.clear();
    W.clear();
    tags[ep] = epoch;
    C.push(epDist, ep);
    W.push(epDist, ~ep);
    const isBase = level === 0;
    const arr = isBase ? this.links0 : this.upperLinks;
    const stride0 = this.stride0;
    const upperOffset = this.upperOffset;
    const uOff = (level - 1) * this.strideU;
    while (C.size > 0) {
      if (C.dist[0] > W.dist[0]) break;
      const c = C.pop();
      const base = isBase ? c * stride0 : upperOffset[c] + uOff;
      const cnt = arr[base];
      let m = 0;
      for (let j = 1; j <= cnt; j++) {
        const nb = arr[base + j];
        if (tags[nb] !== epoch) {
          tags[nb] = epoch;
          scratch[m++] = nb;
        }
      }
      if (m === 0) continue;
      dc.distancesToIds(scratch, 0, m, sd, 0);
      for (let j = 0; j < m; j++) {
        const d = sd[j];
        const nb = scratch[j];
        if (W.size < ef) {
          C.push(d, nb);
          W.push(d, ~nb);
        } else {
          const top = W.dist[0];
          if (d < top || (d === top && ~nb < W.ids[0])) {
            C.push(d, nb);
            W.replaceTop(d, ~nb);
          }
        }
      }
    }
  }

  /**
   * Alg. 2 on the checked path: as {@link HnswIndex.searchLayer}, but only ids the allow
   * test accepts enter W (all nodes are still traversed), and work is counted (and the
   * expansion order recorded when `tracer.path` is set). While W holds fewer than `ef`
   * results every reached node stays a candidate, so a selective filter widens the search
   * instead of ending it early (hnswlib's rule when deletions or filters are present).
   */
  private searchLayerChecked(ep: number, epDist: number, ef: number, level: number, tracer: Tracer): void {
    const visited = this.visited;
    const C = this.candidates;
    const W = this.results;
    const dc = this.dc;
    const allow = this.allow;
    const scratch = this.scratchIds;
    const sd = this.scratchDist;
    visited.clear();
    C.clear();
    W.clear();
    visited.add(ep);
    C.push(epDist, ep);
    if (allow.allows(ep)) W.push(epDist, ep);
    const arr = level === 0 ? this.links0 : this.upperLinks;
    while (C.size > 0) {
      const cd = C.dist[0];
      if (W.size >= ef && cd > W.dist[0]) break;
      const c = C.pop();
      tracer.hops++;
      if (tracer.path !== null) tracer.path.push(c);
      const base = this.linkBase(c, level);
      const cnt = arr[base];
      let m = 0;
      for (let j = 1; j <= cnt; j++) {
        const nb = arr[base + j];
        if (visited.visit(nb)) scratch[m++] = nb;
      }
      if (m === 0) continue;
      dc.distancesToIds(scratch, 0, m, sd, 0);
      tracer.distanceComputations += m;
      for (let j = 0; j < m; j++) {
        const d = sd[j];
        if (W.size < ef || d < W.dist[0]) {
          const nb = scratch[j];
          C.push(d, nb);
          if (allow.allows(nb)) {
            W.push(d, nb);
            if (W.size > ef) W.pop();
          }
        }
      }
    }
  }

  /**
   * The k nearest stored vectors of each query (Alg. 5 per query).
   *
   * @param queries - `nq × dim` row-major.
   * @param k - results per query; rows are padded with −1/+Infinity when fewer exist.
   * @param params - `efSearch` (default max(k, 64)), `filter`, `stats`.
   */
  search(queries: Float32Array, k: number, params: HnswSearchParams = {}): SearchResult {
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    this.checkSearchParams(params);
    const result = createSearchResult(nq, k);
    for (let q = 0; q < nq; q++) this.searchInto(queries, q * this.dim, k, result.ids, result.distances, q * k, params);
    return result;
  }

  private checkSearchParams(params: HnswSearchParams): void {
    checkOptions(params, 'HnswIndex.search params');
    checkKnownKeys(params, SEARCH_KEYS, 'HnswIndex.search params');
    if (params.efSearch !== undefined) checkInteger('efSearch', params.efSearch, 1, 1 << 24);
    const f = params.filter;
    if (f !== undefined && !(f instanceof Uint8Array) && typeof f !== 'function') {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `filter must be a Uint8Array bitset (bit id&7 of byte id>>3) or a function (id) => boolean, got ${typeof f}. ` +
          `Build a bitset with bitsetFromIds(ids, index.idCount).`,
      );
    }
    if (params.stats !== undefined && !(params.stats instanceof SearchStats)) {
      throw new AnnlabError('INVALID_PARAMETER', 'stats must be a SearchStats (or HnswSearchStats) instance.');
    }
  }

  /**
   * Alg. 5 K-NN-SEARCH for one query, written into caller-owned output at `outOff` (k
   * entries, ascending, padded). Inputs are not validated here; `search` does that.
   * Without filter, stats, or deleted nodes still linked into the graph (none, or all
   * unlinked by `compact`) this is the plain path; otherwise the checked path (see
   * {@link HnswSearchParams.filter}).
   */
  searchInto(
    query: Float32Array, qOff: number, k: number, outIds: Int32Array, outDist: Float32Array, outOff: number,
    params: HnswSearchParams = {},
  ): void {
    const ef = Math.max(k, params.efSearch ?? 64);
    if (params.filter === undefined && params.stats === undefined && !this.linkedDeletes) {
      this.knnSearch(query, qOff, k, ef, outIds, outDist, outOff);
    } else {
      this.searchChecked(query, qOff, k, ef, params.filter, params.stats, null, outIds, outDist, outOff);
    }
  }

  /**
   * Alg. 5 K-NN-SEARCH, plain path: greedy descent through the upper levels, a beam search
   * of width `ef` on level 0, the k best of W written out.
   */
  knnSearch(query: Float32Array, qOff: number, k: number, ef: number, outIds: Int32Array, outDist: Float32Array, outOff: number): void {
    const W = this.results;
    W.clear();
    if (this.entryPoint >= 0) {
      const dc = this.dc;
      dc.setQuery(query, qOff);
      let cur = this.entryPoint;
      let curDist = dc.distanceTo(cur);
      for (let lc = this.maxLevel; lc > 0; lc--) {
        this.greedyClosest(cur, curDist, lc);
        cur = this.greedyId;
        curDist = this.greedyDist;
      }
      this.searchLayer(cur, curDist, ef, 0);
      while (W.size > k) W.pop();
    }
    drainToRow(W, this.policy, k, outIds, outDist, outOff);
  }

  /**
   * Alg. 5 on the checked path (filters, deletions, stats, trace). A bitset filter that lets
   * few ids through is answered by an exact scan of the allowed ids; a graph search that
   * returns fewer than k while more pass is completed by a scan.
   * @returns the strategy used.
   */
  private searchChecked(
    query: Float32Array, qOff: number, k: number, ef: number, filter: HnswFilter | undefined, stats: SearchStats | undefined,
    layers: HnswLayerTrace[] | null, outIds: Int32Array, outDist: Float32Array, outOff: number,
  ): 'graph' | 'graph+scan' | 'scan' {
    const allow = this.allow;
    allow.deleted = this.deleted;
    allow.bits = filter instanceof Uint8Array ? filter : null;
    allow.pred = typeof filter === 'function' ? filter : null;
    const W = this.results;
    W.clear();
    const dc = this.dc;
    const n = this.store.size;
    const tracer = new Tracer();
    let strategy: 'graph' | 'graph+scan' | 'scan' = 'graph';
    const perLayer = stats instanceof HnswSearchStats ? stats.hopsPerLayer : null;
    if (this.entryPoint >= 0) {
      dc.setQuery(query, qOff);
      // Cost model for a bitset: a filtered beam search needs about ef·Mmax0/s distances to
      // collect ef allowed results when a fraction s = allowed/n passes; a scan needs
      // `allowed`. Scan when allowed² ≤ ef·Mmax0·n.
      let scanFirst = false;
      if (allow.bits !== null) {
        const allowed = bitsetCount(allow.bits, n);
        scanFirst = allowed * allowed <= ef * this.Mmax0 * n;
      }
      if (scanFirst) {
        strategy = 'scan';
      } else {
        let cur = this.entryPoint;
        let curDist = dc.distanceTo(cur);
        tracer.distanceComputations++;
        for (let lc = this.maxLevel; lc >= 0; lc--) {
          const hops0 = tracer.hops;
          const dist0 = tracer.distanceComputations;
          let trace: HnswLayerTrace | null = null;
          if (layers !== null) {
            trace = { level: lc, entry: cur, path: [], distanceComputations: 0 };
            layers.push(trace);
            tracer.path = trace.path;
          }
          if (lc > 0) {
            this.greedyClosestCounted(cur, curDist, lc, tracer);
            cur = this.greedyId;
            curDist = this.greedyDist;
          } else {
            this.searchLayerChecked(cur, curDist, ef, 0, tracer);
          }
          if (trace !== null) trace.distanceComputations = tracer.distanceComputations - dist0 + (lc === this.maxLevel ? 1 : 0);
          if (perLayer !== null) {
            while (perLayer.length <= lc) perLayer.push(0);
            perLayer[lc] += tracer.hops - hops0;
          }
        }
        while (W.size > k) W.pop();
        if (W.size < k && W.size < this.live) {
          strategy = 'graph+scan';
        }
      }
      if (strategy !== 'graph') {
        W.clear();
        tracer.distanceComputations += this.scanAllowed(k);
      }
    }
    drainToRow(W, this.policy, k, outIds, outDist, outOff);
    if (stats !== undefined) {
      stats.queries++;
      stats.hops += tracer.hops;
      stats.distanceComputations += tracer.distanceComputations;
    }
    allow.pred = null;
    allow.bits = null;
    return strategy;
  }

  /** Exact scan over every allowed id into W (k best). @returns distances computed. */
  private scanAllowed(k: number): number {
    const allow = this.allow;
    const W = this.results;
    const dc = this.dc;
    const ids = this.scratchIds;
    const sd = this.scratchDist;
    const n = this.store.size;
    let computed = 0;
    let m = 0;
    for (let id = 0; id <= n; id++) {
      if (id < n && allow.allows(id)) ids[m++] = id;
      if (m === SCAN_BLOCK || (id === n && m > 0)) {
        dc.distancesToIds(ids, 0, m, sd, 0);
        computed += m;
        for (let j = 0; j < m; j++) W.offer(sd[j], ids[j], k);
        m = 0;
      }
    }
    return computed;
  }

  /** {@link HnswIndex.greedyClosest} with counting and path recording. */
  private greedyClosestCounted(ep: number, epDist: number, level: number, tracer: Tracer): void {
    const dc = this.dc;
    const scratch = this.scratchIds;
    const sd = this.scratchDist;
    const arr = level === 0 ? this.links0 : this.upperLinks;
    let cur = ep;
    let curDist = epDist;
    let changed = true;
    while (changed) {
      changed = false;
      tracer.hops++;
      if (tracer.path !== null) tracer.path.push(cur);
      const base = this.linkBase(cur, level);
      const cnt = arr[base];
      for (let j = 0; j < cnt; j++) scratch[j] = arr[base + 1 + j];
      dc.distancesToIds(scratch, 0, cnt, sd, 0);
      tracer.distanceComputations += cnt;
      for (let j = 0; j < cnt; j++) {
        const d = sd[j];
        if (d < curDist || (d === curDist && scratch[j] < cur)) {
          curDist = d;
          cur = scratch[j];
          changed = true;
        }
      }
    }
    this.greedyId = cur;
    this.greedyDist = curDist;
  }

  /**
   * Search one query and return, beside the result, the path taken on every level: the
   * entry node, the nodes expanded in order, and the distances computed there. For teaching
   * and debugging; it runs the checked path, so it is slower than `search`.
   */
  explain(query: Float32Array, k: number, params: HnswSearchParams = {}): HnswExplanation {
    const nq = checkVectors(query, this.dim, 'query');
    if (nq !== 1) throw new AnnlabError('INVALID_PARAMETER', `explain takes exactly one query (dim = ${this.dim} values), got ${nq}.`);
    checkK(k);
    this.checkSearchParams(params);
    const result = createSearchResult(1, k);
    const layers: HnswLayerTrace[] = [];
    const ef = Math.max(k, params.efSearch ?? 64);
    const strategy = this.searchChecked(query, 0, k, ef, params.filter, params.stats, layers, result.ids, result.distances, 0);
    return { result, layers, strategy };
  }

  // ---------------------------------------------------------------------------------------
  // Updates and deletions
  // ---------------------------------------------------------------------------------------

  /**
   * Mark `id` deleted: it is never returned again but still traversed, so the graph stays
   * connected. `size` drops by one. Call {@link HnswIndex.compact} after many deletions.
   */
  delete(id: number): void {
    this.checkLiveId(id);
    this.deleted[id] = 1;
    this.live--;
    this.linkedDeletes = true;
  }

  /**
   * Replace the vector of live `id` and relink it, in two steps (after hnswlib's
   * `updatePoint`):
   * 1. each old neighbour v of `id` re-selects its list, with the heuristic, from its own
   *    neighbours, the neighbours of `id` and `id` itself, measured from v — so links to the
   *    old position are dropped where something better is at hand;
   * 2. `id`'s own links on every level are chosen afresh by a search from the entry point
   *    (as in INSERT), and it is offered as a reverse link to its new neighbours.
   * Nodes outside that neighbourhood that linked to `id` keep their (still valid) links.
   */
  update(id: number, vector: Float32Array): void {
    this.checkLiveId(id);
    const n = checkVectors(vector, this.dim, 'vector');
    if (n !== 1) throw new AnnlabError('DIMENSION_MISMATCH', `update takes exactly one vector of dim = ${this.dim} values, got ${n} rows.`);
    this.store.set(id, vector, 0);
    if (this.store.size === 1) return;
    this.repairNeighbors(id);
    this.dc.setQueryToRow(id);
    let ep = this.entryPoint;
    if (ep === id) {
      // Start from a neighbour of the entry point so the walk does not begin at the node itself.
      const top = this.maxLevel;
      const arr = top === 0 ? this.links0 : this.upperLinks;
      const base = this.linkBase(id, top);
      if (arr[base] > 0) ep = arr[base + 1];
    }
    this.linkNode(id, this.levels[id], ep);
  }

  /** Step 1 of {@link HnswIndex.update}: the old neighbours of `id` re-select their lists. */
  private repairNeighbors(id: number): void {
    const visited = this.visited;
    const dcAux = this.dcAux;
    for (let lc = 0; lc <= this.levels[id]; lc++) {
      const arr = lc === 0 ? this.links0 : this.upperLinks;
      const cap = lc === 0 ? this.Mmax0 : this.M;
      const ib = this.linkBase(id, lc);
      const icnt = arr[ib];
      if (this.selIds.length < 2 * cap + 2) this.growSel(2 * cap + 2);
      for (let j = 1; j <= icnt; j++) {
        const v = arr[ib + j];
        const vb = this.linkBase(v, lc);
        const vcnt = arr[vb];
        visited.clear();
        visited.add(v);
        const ids = this.selIds;
        let m = 0;
        for (let t = 1; t <= vcnt; t++) if (visited.visit(arr[vb + t])) ids[m++] = arr[vb + t];
        for (let t = 1; t <= icnt; t++) if (visited.visit(arr[ib + t])) ids[m++] = arr[ib + t];
        if (visited.visit(id)) ids[m++] = id;
        dcAux.setQueryToRow(v);
        dcAux.distancesToIds(ids, 0, m, this.selDist, 0);
        sortByDistance(ids, this.selDist, m);
        const kept = this.selectNeighbors(v, ids, this.selDist, m, cap, this.chosen);
        arr[vb] = kept;
        for (let t = 0; t < kept; t++) arr[vb + 1 + t] = this.chosen[t];
      }
    }
  }

  /**
   * Reconnect the graph around deleted nodes and unlink them (hnswlib's
   * `repairConnectionsForUpdate` idea applied to deletions): for every live node that links
   * to a deleted one, the candidates are its live neighbours plus the live neighbours of its
   * deleted neighbours, and its list is re-selected from them. Deleted nodes then have no
   * links in or out, so searches stop visiting them. Ids do not change.
   */
  compact(): void {
    const n = this.store.size;
    if (!this.linkedDeletes) return;
    const visited = this.visited;
    const dcAux = this.dcAux;
    const deleted = this.deleted;
    for (let lc = 0; lc <= this.maxLevel; lc++) {
      const arr = lc === 0 ? this.links0 : this.upperLinks;
      const cap = lc === 0 ? this.Mmax0 : this.M;
      for (let u = 0; u < n; u++) {
        if (deleted[u] !== 0 || this.levels[u] < lc) continue;
        const base = this.linkBase(u, lc);
        const cnt = arr[base];
        let touched = false;
        for (let j = 1; j <= cnt; j++) if (deleted[arr[base + j]] !== 0) touched = true;
        if (!touched) continue;
        visited.clear();
        visited.add(u);
        let m = 0;
        for (let j = 1; j <= cnt; j++) {
          const v = arr[base + j];
          // A live neighbour stays a candidate; a deleted one is replaced by its live neighbours.
          const vb = deleted[v] === 0 ? -1 : this.linkBase(v, lc);
          const vc = vb < 0 ? 1 : arr[vb];
          for (let t = 1; t <= vc; t++) {
            const x = vb < 0 ? v : arr[vb + t];
            if (deleted[x] !== 0 || !visited.visit(x)) continue;
            if (m === this.selIds.length) this.growSel(m * 2);
            this.selIds[m++] = x;
          }
        }
        dcAux.setQueryToRow(u);
        dcAux.distancesToIds(this.selIds, 0, m, this.selDist, 0);
        sortByDistance(this.selIds, this.selDist, m);
        // The heuristic measures with dc.symmetric, which does not depend on the query.
        const kept = this.selectNeighbors(u, this.selIds, this.selDist, m, cap, this.chosen);
        arr[base] = kept;
        for (let j = 0; j < kept; j++) arr[base + 1 + j] = this.chosen[j];
      }
    }
    for (let u = 0; u < n; u++) {
      if (deleted[u] === 0) continue;
      for (let lc = 0; lc <= this.levels[u]; lc++) {
        const arr = lc === 0 ? this.links0 : this.upperLinks;
        arr[this.linkBase(u, lc)] = 0;
      }
    }
    this.linkedDeletes = false;
    // Entry point: the live node with the highest level (smallest id among ties).
    if (deleted[this.entryPoint] !== 0) {
      let best = -1;
      let bestLevel = -1;
      for (let u = 0; u < n; u++) {
        if (deleted[u] === 0 && this.levels[u] > bestLevel) {
          best = u;
          bestLevel = this.levels[u];
        }
      }
      this.entryPoint = best;
      this.maxLevel = bestLevel;
      if (best < 0) this.entryPoint = -1;
    }
  }

  private checkLiveId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.store.size) {
      throw new AnnlabError('INVALID_PARAMETER', `id must be an integer in [0, ${this.store.size}), got ${String(id)}.`);
    }
    if (this.deleted[id] !== 0) {
      throw new AnnlabError('NOT_FOUND', `id ${id} is deleted; add the vector again to get a new id.`);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Inspection
  // ---------------------------------------------------------------------------------------

  /** A copy of node `id`'s neighbour ids on `level` (empty when the node is not on it). */
  neighbors(id: number, level: number = 0): Int32Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.store.size) {
      throw new AnnlabError('INVALID_PARAMETER', `id must be an integer in [0, ${this.store.size}), got ${String(id)}.`);
    }
    if (!Number.isInteger(level) || level < 0 || level > this.levels[id]) return new Int32Array(0);
    const arr = level === 0 ? this.links0 : this.upperLinks;
    const base = this.linkBase(id, level);
    return arr.slice(base + 1, base + 1 + arr[base]);
  }

  /** A copy of stored vector `id` (unit-normalised for cosine). */
  reconstruct(id: number): Float32Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.store.size) {
      throw new AnnlabError('INVALID_PARAMETER', `id must be an integer in [0, ${this.store.size}), got ${String(id)}.`);
    }
    return this.store.row(id);
  }

  /**
   * Check the graph (hnswlib's `checkIntegrity`): link counts within bounds (M above level
   * 0, Mmax0 on it), neighbour ids in range, no self links, no duplicate links, neighbours
   * on the level (their top level is at least it), no links to deleted nodes once
   * `compact` has run, entry point on the top level; and count
   * the live nodes that
   * cannot be reached from the entry point on level 0. O(n · M).
   */
  checkInvariants(): HnswInvariantReport {
    const errors: string[] = [];
    const report = (msg: string): void => {
      if (errors.length < 50) errors.push(msg);
    };
    const n = this.store.size;
    let edges = 0;
    let topLevel = -1;
    let live = 0;
    for (let u = 0; u < n; u++) {
      if (this.deleted[u] === 0) live++;
      const L = this.levels[u];
      if (L > topLevel) topLevel = L;
      if (L > 0 && (this.upperOffset[u] < 0 || this.upperOffset[u] + L * this.strideU > this.upperUsed)) {
        report(`node ${u}: level ${L} but upper block offset ${this.upperOffset[u]} is out of range`);
        continue;
      }
      for (let lc = 0; lc <= L; lc++) {
        const arr = lc === 0 ? this.links0 : this.upperLinks;
        const base = this.linkBase(u, lc);
        const cnt = arr[base];
        const cap = lc === 0 ? this.Mmax0 : this.M;
        if (cnt < 0 || cnt > cap) {
          report(`node ${u} level ${lc}: ${cnt} links, bound is ${cap}`);
          continue;
        }
        if (lc === 0) edges += cnt;
        for (let j = 1; j <= cnt; j++) {
          const v = arr[base + j];
          if (v < 0 || v >= n) report(`node ${u} level ${lc}: neighbour ${v} out of range [0, ${n})`);
          else if (v === u) report(`node ${u} level ${lc}: links to itself`);
          else if (this.levels[v] < lc) report(`node ${u} level ${lc}: neighbour ${v} has top level ${this.levels[v]}`);
          else if (!this.linkedDeletes && this.deleted[v] !== 0) report(`node ${u} level ${lc}: links to ${v}, deleted and compacted away`);
          for (let t = 1; t < j; t++) if (arr[base + t] === v) report(`node ${u} level ${lc}: duplicate link to ${v}`);
        }
      }
    }
    if (live !== this.live) report(`live count is ${this.live} but ${live} nodes are not deleted`);
    if (n === 0) {
      if (this.entryPoint !== -1) report(`empty index has entry point ${this.entryPoint}`);
    } else if (this.entryPoint < 0 || this.entryPoint >= n) {
      if (live > 0) report(`entry point ${this.entryPoint} out of range`);
    } else if (this.levels[this.entryPoint] !== this.maxLevel) {
      report(`entry point ${this.entryPoint} has level ${this.levels[this.entryPoint]}, top level is ${this.maxLevel}`);
    }
    if (this.entryPoint >= 0 && topLevel > this.maxLevel) {
      // Only nodes unlinked by compact() may sit above the entry point's level.
      for (let u = 0; u < n; u++) {
        if (this.levels[u] > this.maxLevel && this.deleted[u] === 0) report(`node ${u} has level ${this.levels[u]} above the top level ${this.maxLevel}`);
      }
    }
    // Reachability on level 0 (breadth-first from the entry point).
    let unreachable = 0;
    if (this.entryPoint >= 0 && this.entryPoint < n) {
      const seen = new Uint8Array(n);
      const queue = new Int32Array(n);
      let head = 0;
      let tail = 0;
      queue[tail++] = this.entryPoint;
      seen[this.entryPoint] = 1;
      const s0 = this.stride0;
      while (head < tail) {
        const u = queue[head++];
        const base = u * s0;
        const cnt = Math.min(this.links0[base], this.Mmax0);
        for (let j = 1; j <= cnt; j++) {
          const v = this.links0[base + j];
          if (v >= 0 && v < n && seen[v] === 0) {
            seen[v] = 1;
            queue[tail++] = v;
          }
        }
      }
      for (let u = 0; u < n; u++) if (seen[u] === 0 && this.deleted[u] === 0) unreachable++;
    }
    return { ok: errors.length === 0, errors, unreachable, nodes: n, edges };
  }

  /** Bytes held by the index's typed arrays (vectors, links, levels, flags, search scratch). */
  memoryBytes(): number {
    return (
      this.store.memoryBytes() +
      this.links0.byteLength +
      this.upperLinks.byteLength +
      this.upperOffset.byteLength +
      this.levels.byteLength +
      this.deleted.byteLength +
      this.visited.memoryBytes() +
      this.candidates.dist.byteLength +
      this.candidates.ids.byteLength +
      this.results.dist.byteLength +
      this.results.ids.byteLength +
      this.scratchIds.byteLength +
      this.scratchDist.byteLength +
      this.selIds.byteLength +
      this.selDist.byteLength +
      this.chosen.byteLength +
      this.pendingLinks.byteLength
    );
  }

  // ---------------------------------------------------------------------------------------
  // Serialization
  // ---------------------------------------------------------------------------------------

  /**
   * The index as an annlab file: parameters (JSON), then the vectors, levels, deletion
   * flags, level-0 links, upper offsets and upper links of the `idCount` allocated ids, and
   * the CRC-32. The same seed and the same operations give byte-identical files.
   */
  serialize(): Uint8Array {
    const n = this.store.size;
    const w = new BinaryWriter(HnswIndex.TAG, HnswIndex.FORMAT_VERSION);
    w.json({
      dim: this.dim,
      metric: this.metric,
      M: this.M,
      efConstruction: this.efConstruction,
      seed: this.seed,
      neighborSelection: this.neighborSelection,
      levelDraws: this.levelDraws,
      entryPoint: this.entryPoint,
      maxLevel: this.maxLevel,
      live: this.live,
      linkedDeletes: this.linkedDeletes,
    });
    w.array(this.store.view());
    w.array(this.levels.subarray(0, n));
    w.array(this.deleted.subarray(0, n));
    w.array(this.links0.subarray(0, n * this.stride0));
    w.array(this.upperOffset.subarray(0, n));
    w.array(this.upperLinks.subarray(0, this.upperUsed));
    return w.finish();
  }

  /**
   * Load an index written by {@link HnswIndex.serialize}. The arrays are copied (the index
   * stays mutable without touching `bytes`). Damaged, truncated or foreign bytes, and files
   * whose graph is inconsistent, throw `AnnlabError`.
   */
  static deserialize(bytes: Uint8Array): HnswIndex {
    const r = BinaryReader.open(bytes, HnswIndex.TAG);
    r.expectVersion(HnswIndex.FORMAT_VERSION);
    const p = r.json<Record<string, unknown>>();
    let index: HnswIndex;
    try {
      index = new HnswIndex({
        dim: p.dim as number,
        metric: p.metric as Metric,
        M: p.M as number,
        efConstruction: p.efConstruction as number,
        seed: p.seed as number,
        neighborSelection: p.neighborSelection as NeighborSelection,
        capacity: 1,
      });
      checkInteger('levelDraws', p.levelDraws, 0);
      checkInteger('entryPoint', p.entryPoint, -1);
      checkInteger('maxLevel', p.maxLevel, -1, MAX_LEVEL);
      checkInteger('live', p.live, 0);
    } catch (e) {
      throw new AnnlabError('CORRUPT_DATA', `hnsw index file has invalid parameters: ${(e as Error).message}`, { cause: e });
    }
    const data = r.f32array();
    if (data.length % index.dim !== 0) {
      throw new AnnlabError('CORRUPT_DATA', `hnsw index file holds ${data.length} vector values, not a multiple of dim = ${index.dim}.`);
    }
    const n = data.length / index.dim;
    if ((p.entryPoint as number) >= n || (n > 0 && (p.live as number) > n)) {
      throw new AnnlabError('CORRUPT_DATA', `hnsw index file: entry point ${String(p.entryPoint)} or live count ${String(p.live)} does not fit ${n} nodes.`);
    }
    const levels = r.u8array(n);
    const deleted = r.u8array(n);
    const links0 = r.i32array(n * index.stride0);
    const upperOffset = r.i32array(n);
    const upperLinks = r.i32array();
    r.finish();
    const cap = Math.max(1, n);
    index.store.reserve(cap);
    index.store.append(data, 0, n);
    index.ensureCapacity(cap);
    index.levels.set(levels);
    index.deleted.set(deleted);
    index.links0.set(links0);
    index.upperOffset.set(upperOffset);
    index.ensureUpper(upperLinks.length);
    index.upperLinks.set(upperLinks);
    index.upperUsed = upperLinks.length;
    index.entryPoint = p.entryPoint as number;
    index.maxLevel = p.maxLevel as number;
    index.live = p.live as number;
    index.linkedDeletes = p.linkedDeletes === true;
    const draws = p.levelDraws as number;
    for (let i = 0; i < draws; i++) index.drawLevel();
    const check = index.checkInvariants();
    if (!check.ok) {
      throw new AnnlabError('CORRUPT_DATA', `hnsw index file has an inconsistent graph: ${check.errors.slice(0, 3).join('; ')}`);
    }
    return index;
  }

  // ---------------------------------------------------------------------------------------
  // Storage helpers
  // ---------------------------------------------------------------------------------------

  /** Offset of node `id`'s list on `level` (count first) in `links0` (level 0) or `upperLinks`. */
  private linkBase(id: number, level: number): number {
    return level === 0 ? id * this.stride0 : this.upperOffset[id] + (level - 1) * this.strideU;
  }

  /** Make room for ids [0, n): grow the per-node arrays by doubling, keeping contents. */
  private ensureCapacity(n: number): void {
    const cur = this.levels.length;
    this.store.reserve(n);
    if (n <= cur) return;
    let cap = Math.max(16, cur);
    while (cap < n) cap *= 2;
    const links0 = new Int32Array(cap * this.stride0);
    links0.set(this.links0);
    this.links0 = links0;
    const upperOffset = new Int32Array(cap).fill(-1);
    upperOffset.set(this.upperOffset);
    this.upperOffset = upperOffset;
    const levels = new Uint8Array(cap);
    levels.set(this.levels);
    this.levels = levels;
    const deleted = new Uint8Array(cap);
    deleted.set(this.deleted);
    this.deleted = deleted;
    this.allow.deleted = deleted;
    this.visited.ensureCapacity(cap);
  }

  /** Make room for `ints` ints in `upperLinks` (doubling). */
  private ensureUpper(ints: number): void {
    if (ints <= this.upperLinks.length) return;
    let cap = Math.max(64, this.upperLinks.length);
    while (cap < ints) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.upperLinks.subarray(0, this.upperUsed));
    this.upperLinks = next;
  }

  private growSel(n: number): void {
    const ids = new Int32Array(n);
    ids.set(this.selIds);
    const dist = new Float64Array(n);
    dist.set(this.selDist);
    this.selIds = ids;
    this.selDist = dist;
  }
}

/**
 * Insertion sort of `ids`/`dist[0, n)` ascending by distance, ties by larger id first (the
 * order {@link HnswIndex.searchLayerInsert} produces); n is at most a few hundred.
 */
function sortByDistance(ids: Int32Array, dist: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const d = dist[i];
    const id = ids[i];
    let j = i - 1;
    while (j >= 0 && (dist[j] > d || (dist[j] === d && ids[j] < id))) {
      dist[j + 1] = dist[j];
      ids[j + 1] = ids[j];
      j--;
    }
    dist[j + 1] = d;
    ids[j + 1] = id;
  }
}
