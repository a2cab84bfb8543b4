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
 * Map from Annoy to code:
 * - `_make_tree` (≤ 3 two-means attempts, stop once imbalance < 0.95, random sides while
 *   still > 0.99) → {@link RpForestIndex} `makeNode` / `splitRange`; the split itself is
 *   `two-means.ts` (`two_means`, `create_split`, `margin`);
 * - `build(n_trees)` → the first {@link RpForestIndex.add}, and {@link RpForestIndex.addTrees};
 * - `_get_all_nns` (one priority queue over all trees keyed by the margin, `search_k`
 *   candidates, dedupe, exact re-rank) → {@link RpForestIndex.searchInto};
 * - `search_k = n * n_trees` default → `searchK = k × nTrees`.
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
 *   grows a built forest. Trees grown this way are valid but can be less balanced than a
 *   fresh build over all points.
 * - Candidates are deduplicated while collected (a visited set) instead of by sorting.
 *
 * **Inner product.** Hyperplane trees need a metric, and −⟨q, x⟩ is not one. The forest uses
 * the augmentation of Bachrach et al. ("Speeding up the Xbox recommender system using a
 * Euclidean transformation for inner-product spaces", RecSys 2014): with M the largest
 * stored norm, each stored x becomes x̃ = (x, √(M² − ‖x‖²)) and a query q becomes q̃ = (q, 0).
 * Then ‖q̃ − x̃‖² = ‖q‖² + M² − 2⟨q, x⟩, and since ‖q‖² + M² is the same for every x, the
 * Euclidean nearest x̃ is exactly the largest inner product. The trees split the augmented
 * vectors with Euclidean two-means; the extra component is kept per item in `augExtra`, and
 * candidates are re-ranked with the true −⟨q, x⟩. M is fixed when the forest is first built;
 * a vector added later with a larger norm gets an extra component of 0 (clamped). It is still
 * found when its leaf is visited, but the trees' geometry fits it less well.
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
  dot,
  drainToRow,
  metricPolicy,
  type AnnIndex,
  type IndexOptions,
  type KernelBackend,
  type Metric,
  type MetricPolicy,
  type SearchParams,
  type SearchResult,
} from '@annlab/core';
import { createSplitInto, marginOf, twoMeans } from './two-means.js';

/** Options for {@link RpForestIndex}. */
export interface RpForestOptions extends IndexOptions {
  /**
   * Number of trees (Annoy's `n_trees`). More trees raise recall at a given `searchK`
   * because a true neighbour cut off by one tree's planes is likely kept together with the
   * query by another; build time and memory (hyperplanes and leaf ids) grow linearly with
   * it, and so does the default `searchK`. Sensible range 5–200; Fashion-MNIST-sized data
   * reaches recall 0.95 with 50–100. More trees can be added later with
   * {@link RpForestIndex.addTrees}.
   * @defaultValue 10
   */
  nTrees?: number;
  /**
   * Most points a leaf may hold (Annoy's `K`). A node with more points is split. Larger
   * leaves mean shallower trees, fewer hyperplanes (less memory, faster build) and more
   * candidates per visited leaf; smaller leaves make each tree more selective but deeper.
   * Annoy sets K to the number of ids that fit in one node record, `dim + 2` for float
   * vectors, and so does the default here. Range 1 … 2^20.
   * @defaultValue `dim + 2`
   */
  leafSize?: number;
}

/** Search parameters for {@link RpForestIndex}. */
export interface RpForestSearchParams extends SearchParams {
  /**
   * Candidates to collect before re-ranking (Annoy's `search_k`), counted with repeats
   * across trees, as Annoy does; the last leaf is taken whole, so slightly more may be
   * examined. The search cost is roughly proportional to it; recall rises with it. With
   * `searchK ≥ nTrees × size` every leaf is visited and the search is exact.
   * @defaultValue `k × nTrees` (Annoy's `n × n_trees`); on high-dimensional data that is
   * often too few, so sweep it (e.g. 1,000 … 100,000) to pick a recall/speed trade-off.
   */
  searchK?: number;
}

/**
 * Work counters with the forest's own extras. Pass one as `stats` to
 * {@link RpForestIndex.search} to get them; a plain `SearchStats` gets the common ones.
 */
export class RpForestSearchStats extends SearchStats {
  /** Candidates collected from leaves, counting an id again when another tree returns it. */
  candidates: number;
  /** Leaves whose items were collected. */
  leavesVisited: number;
  /** Hyperplane margins evaluated (inner nodes expanded; also counted as `hops`). */
  marginComputations: number;

  constructor() {
    super();
    this.candidates = 0;
    this.leavesVisited = 0;
    this.marginComputations = 0;
  }

  /** Set every counter back to zero. */
  override reset(): void {
    super.reset();
    this.candidates = 0;
    this.leavesVisited = 0;
    this.marginComputations = 0;
  }
}

/** One leaf a traced query collected, in visiting order. */
export interface RpForestLeafVisit {
  /** Tree the leaf belongs to (index into the forest's roots). */
  tree: number;
  /** Leaf index (into `leafStart` / `leafCount`). */
  leaf: number;
  /** The queue priority it was popped with: the smallest margin on the path from the root (+Infinity for a root leaf). */
  priority: number;
  /** A copy of the leaf's item ids. */
  items: Int32Array;
}

/** What one query did, for teaching: see {@link RpForestIndex.trace}. */
export interface RpForestTrace {
  /** The k result ids, ascending by distance, padded with −1. */
  ids: Int32Array;
  /** Reported distances of `ids`, padded with +Infinity. */
  distances: Float32Array;
  /** Every leaf visited, in the order the priority queue produced them. */
  visits: RpForestLeafVisit[];
  /** Per tree, the leaves visited in that tree (in visiting order). */
  leavesByTree: number[][];
  /** Candidates collected, with repeats. */
  candidates: number;
  /** Distinct candidates (= distance computations). */
  uniqueCandidates: number;
}

/** Shape summary of the forest (see {@link RpForestIndex.forestInfo}). */
export interface RpForestInfo {
  /** Number of trees. */
  trees: number;
  /** Inner nodes (hyperplanes) over all trees. */
  innerNodes: number;
  /** Leaves over all trees. */
  leaves: number;
  /** Deepest leaf depth (root = 0). */
  maxDepth: number;
  /** Mean items per leaf. */
  meanLeafSize: number;
}

const OPTION_KEYS = ['dim', 'metric', 'seed', 'kernels', 'nTrees', 'leafSize'] as const;
const SEARCH_KEYS = ['searchK', 'stats'] as const;
/** Annoy's `_make_tree`: split attempts before accepting an imbalanced split. */
const SPLIT_ATTEMPTS = 3;
/** Stop retrying once the larger side holds less than this fraction. */
const IMBALANCE_ACCEPT = 0.95;
/** Beyond this fraction even after all attempts, assign sides at random. */
const IMBALANCE_RANDOM = 0.99;
const DEFAULT_N_TREES = 10;
const DEFAULT_SEED = 42;
const MAX_TREES = 1 << 16;
const EMPTY_F32 = new Float32Array(0);

/** 32-bit mix of two integers (murmur3 finaliser); seeds per-tree Rngs and tie-breaks. */
function mix32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit seed from the index seed (any safe integer) and a salt. */
function subSeed(seed: number, salt: number, salt2: number): number {
  const hi = Math.floor(seed / 4294967296) | 0;
  return mix32(mix32(mix32(seed | 0, hi), salt), salt2);
}

function imbalance(n1: number, n: number): number {
  const f = n1 / n;
  return f > 0.5 ? f : 1 - f;
}

function growInt32(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  let cap = Math.max(16, a.length);
  while (cap < need) cap *= 2;
  const next = new Int32Array(cap);
  next.set(a);
  return next;
}

function growFloat32(a: Float32Array, need: number): Float32Array {
  if (need <= a.length) return a;
  let cap = Math.max(16, a.length);
  while (cap < need) cap *= 2;
  const next = new Float32Array(cap);
  next.set(a);
  return next;
}

function growFloat64(a: Float64Array, need: number): Float64Array {
  if (need <= a.length) return a;
  let cap = Math.max(16, a.length);
  while (cap < need) cap *= 2;
  const next = new Float64Array(cap);
  next.set(a);
  return next;
}

function growUint8(a: Uint8Array, need: number): Uint8Array {
  if (need <= a.length) return a;
  let cap = Math.max(16, a.length);
  while (cap < need) cap *= 2;
  const next = new Uint8Array(cap);
  next.set(a);
  return next;
}

interface SerializedParams {
  dim: number;
  metric: Metric;
  nTrees: number;
  leafSize: number;
  seed: number;
  maxNorm: number;
  built: boolean;
  live: number;
}

/**
 * Random-projection forest (Annoy) over row-major `Float32Array`s.
 *
 * ```ts
 * const index = new RpForestIndex({ dim: 784, nTrees: 50 });
 * index.add(vectors);                                 // builds the trees
 * const r = index.search(queries, 10, { searchK: 5000 });
 * ```
 *
 * The first `add` builds `nTrees` trees over everything added; later `add`s insert into the
 * existing trees. Add all data in one call for the best trees.
 */
export class RpForestIndex implements AnnIndex<RpForestSearchParams> {
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
  /** Largest stored norm when the forest was built (inner product only), else 0. */
  private maxNorm: number;
  /** Inner product: augmented component √(maxNorm² − ‖x‖²) per id, length ≥ size; else empty. */
  private augExtra: Float32Array;
  /** 1 for a deleted id, length ≥ size. */
  private deleted: Uint8Array;

  /** Hyperplane normals, length ≥ innerCount × treeDim, row-major (inner node, component). */
  private splitNormals: Float32Array;
  /** Hyperplane offsets, length ≥ innerCount: margin = ⟨normal, x⟩ + offset. */
  private splitOffsets: Float64Array;
  /**
   * Children, length ≥ innerCount × 2: `children[2i]` (margin ≤ 0 side) and `children[2i + 1]`
   * (margin > 0 side). A value ≥ 0 is an inner node; a negative value `~leaf` is a leaf.
   */
  private children: Int32Array;
  private innerCount: number;
  /** Start of each leaf's items in `leafItems`, length ≥ leafCount. */
  private leafStart: Int32Array;
  /** Items in each leaf. */
  private leafSizes: Int32Array;
  /** Slots reserved for each leaf in `leafItems` (≥ its size). */
  private leafCap: Int32Array;
  private leafCount: number;
  /** Item ids of every leaf, each leaf a range `[leafStart, leafStart + leafSizes)`. */
  private leafItems: Int32Array;
  private leafItemsUsed: number;
  /** Slots of `leafItems` no leaf uses any more (moved leaves); compacted when large. */
  private leafItemsWasted: number;
  /** Root of each tree (a node code: ≥ 0 inner, `~leaf` for a single-leaf tree). */
  private roots: Int32Array;
  /** True after deserialize while the arrays are views into the caller's bytes. */
  private borrowed: boolean;

  private readonly policy: MetricPolicy;
  private readonly dc: DistanceComputer;
  /** Search scratch: the priority queue over nodes, keyed by −priority. */
  private readonly queue: MinHeap;
  /** Search scratch: the k best. */
  private readonly topk: MaxHeap;
  private readonly visited: VisitedSet;
  private candIds: Int32Array;
  private candDist: Float64Array;
  /** Build scratch: two-means centroids (treeDim each). */
  private readonly centroidP: Float64Array;
  private readonly centroidQ: Float64Array;
  private sideScratch: Uint8Array;
  private itemScratch: Int32Array;

  /**
   * @param options - `dim` (required), `metric`, `seed`, `kernels`, `nTrees`, `leafSize`.
   * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option.
   */
  constructor(options: RpForestOptions) {
    checkOptions(options, 'RpForestIndex');
    checkKnownKeys(options, OPTION_KEYS, 'RpForestIndex');
    this.dim = checkDim(options.dim);
    this.metric = checkMetric(options.metric);
    this.seed = options.seed === undefined ? DEFAULT_SEED : checkSeed(options.seed);
    this.treesWanted = options.nTrees === undefined ? DEFAULT_N_TREES : checkInteger('nTrees', options.nTrees, 1, MAX_TREES);
    this.leafSize = options.leafSize === undefined ? this.dim + 2 : checkInteger('leafSize', options.leafSize, 1, 1 << 20);
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels: options.kernels });
    this.treeDim = this.metric === 'inner-product' ? this.dim + 1 : this.dim;
    this.dc = new DistanceComputer(this.store, this.policy);

    this.built = false;
    this.live = 0;
    this.maxNorm = 0;
    this.augExtra = new Float32Array(0);
    this.deleted = new Uint8Array(0);
    this.splitNormals = new Float32Array(0);
    this.splitOffsets = new Float64Array(0);
    this.children = new Int32Array(0);
    this.innerCount = 0;
    this.leafStart = new Int32Array(0);
    this.leafSizes = new Int32Array(0);
    this.leafCap = new Int32Array(0);
    this.leafCount = 0;
    this.leafItems = new Int32Array(0);
    this.leafItemsUsed = 0;
    this.leafItemsWasted = 0;
    this.roots = new Int32Array(0);
    this.borrowed = false;

    this.queue = new MinHeap(64);
    this.topk = new MaxHeap(16);
    this.visited = new VisitedSet(16);
    this.candIds = new Int32Array(0);
    this.candDist = new Float64Array(0);
    this.centroidP = new Float64Array(this.treeDim);
    this.centroidQ = new Float64Array(this.treeDim);
    this.sideScratch = new Uint8Array(0);
    this.itemScratch = new Int32Array(0);
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
    return Number.isInteger(id) && id >= 0 && id < this.store.size && this.deleted[id] === 0;
  }

  // ------------------------------------------------------------------ adding

  /**
   * Add `n × dim` vectors; ids continue from {@link RpForestIndex.idCount}. The first
   * non-empty `add` builds the forest over everything added (Annoy's `build`); later ones
   * route each new vector to its leaf in every tree and split leaves that overflow.
   * Nothing changes if any value is invalid.
   */
  add(vectors: Float32Array): void {
    const n = checkVectors(vectors, this.dim, 'vectors');
    if (n === 0) return;
    this.ensureOwned();
    const first = this.store.append(vectors);
    const total = this.store.size;
    this.deleted = growUint8(this.deleted, total);
    this.live += n;
    if (!this.built) {
      if (this.treeDim > this.dim) this.computeAugmentation(0, total, true);
      const items = new Int32Array(this.live);
      let m = 0;
      for (let id = 0; id < total; id++) if (this.deleted[id] === 0) items[m++] = id;
      this.roots = new Int32Array(this.treesWanted);
      for (let t = 0; t < this.treesWanted; t++) this.roots[t] = this.buildTree(t, items);
      this.built = true;
      this.trimForest();
      return;
    }
    if (this.treeDim > this.dim) this.computeAugmentation(first, total, false);
    for (let id = first; id < total; id++) {
      for (let t = 0; t < this.roots.length; t++) this.insertIntoTree(t, id);
    }
    this.maybeCompactLeaves();
  }

  /**
   * Build `count` more trees over the live vectors (a built Annoy index cannot do this).
   * Before the first `add` it only raises the number of trees that add will build.
   */
  addTrees(count: number): void {
    checkInteger('count', count, 1, MAX_TREES - this.treesWanted);
    this.ensureOwned();
    if (!this.built) {
      this.treesWanted += count;
      return;
    }
    const items = this.liveIds();
    const roots = new Int32Array(this.roots.length + count);
    roots.set(this.roots);
    for (let t = this.roots.length; t < roots.length; t++) roots[t] = this.buildTree(t, items);
    this.roots = roots;
    this.treesWanted = roots.length;
    this.trimForest();
  }

  /**
   * Remove ids from the index: each is taken out of its leaf in every tree and is never
   * returned again (its id is not reused). Accepts one id or a list; nothing changes if any
   * id is unknown, already deleted or repeated.
   * @throws AnnlabError `NOT_FOUND` for an id that is not live; `INVALID_PARAMETER` for a non-integer.
   */
  delete(ids: number | ArrayLike<number>): void {
    const list: ArrayLike<number> = typeof ids === 'number' ? [ids] : ids;
    if (list === null || typeof list !== 'object' || typeof list.length !== 'number') {
      throw new AnnlabError('INVALID_PARAMETER', 'delete expects an id or an array of ids.');
    }
    const seen = new Set<number>();
    for (let i = 0; i < list.length; i++) {
      const id = list[i];
      if (typeof id !== 'number' || !Number.isInteger(id)) {
        throw new AnnlabError('INVALID_PARAMETER', `delete: ids must be integers, got ${String(id)}.`);
      }
      if (!this.has(id) || seen.has(id)) {
        throw new AnnlabError(
          'NOT_FOUND',
          `delete: id ${id} is not a live id (ids are 0 … ${this.store.size - 1}; deleted or repeated ids cannot be deleted again).`,
        );
      }
      seen.add(id);
    }
    if (list.length === 0) return;
    this.ensureOwned();
    for (let i = 0; i < list.length; i++) {
      const id = list[i];
      for (let t = 0; t < this.roots.length; t++) {
        if (!this.removeFromTree(t, id)) {
          throw new AnnlabError('CORRUPT_DATA', `internal: id ${id} was not found in tree ${t}; the forest is inconsistent.`);
        }
      }
      this.deleted[id] = 1;
      this.live--;
    }
  }

  private liveIds(): Int32Array {
    const items = new Int32Array(this.live);
    let m = 0;
    for (let id = 0; id < this.store.size; id++) if (this.deleted[id] === 0) items[m++] = id;
    return items;
  }

  /**
   * Inner product: the augmented component √(M² − ‖x‖²) for ids [from, to). With `setMax`
   * M becomes the largest norm among them (the first build); later ids are clamped to 0.
   */
  private computeAugmentation(from: number, to: number, setMax: boolean): void {
    const dim = this.dim;
    const data = this.store.data;
    this.augExtra = growFloat32(this.augExtra, to);
    if (setMax) {
      let max2 = 0;
      for (let id = from; id < to; id++) {
        const s = dot(data, id * dim, data, id * dim, dim);
        if (s > max2) max2 = s;
      }
      this.maxNorm = Math.sqrt(max2);
    }
    const m2 = this.maxNorm * this.maxNorm;
    for (let id = from; id < to; id++) {
      const r = m2 - dot(data, id * dim, data, id * dim, dim);
      this.augExtra[id] = r > 0 ? Math.sqrt(r) : 0;
    }
  }

  // ------------------------------------------------------------------ tree building

  private allocInner(): number {
    const node = this.innerCount++;
    this.splitNormals = growFloat32(this.splitNormals, this.innerCount * this.treeDim);
    this.splitOffsets = growFloat64(this.splitOffsets, this.innerCount);
    this.children = growInt32(this.children, this.innerCount * 2);
    return node;
  }

  /** A new leaf holding `items[lo .. hi)` with `cap` slots; returns its leaf index. */
  private allocLeaf(items: Int32Array, lo: number, hi: number, cap: number): number {
    const leaf = this.leafCount++;
    this.leafStart = growInt32(this.leafStart, this.leafCount);
    this.leafSizes = growInt32(this.leafSizes, this.leafCount);
    this.leafCap = growInt32(this.leafCap, this.leafCount);
    const start = this.leafItemsUsed;
    this.leafItems = growInt32(this.leafItems, start + cap);
    this.leafItems.set(items.subarray(lo, hi), start);
    this.leafItemsUsed = start + cap;
    this.leafStart[leaf] = start;
    this.leafSizes[leaf] = hi - lo;
    this.leafCap[leaf] = cap;
    return leaf;
  }

  /** Build tree `t` over a copy of `items`; returns its root code. */
  private buildTree(t: number, items: Int32Array): number {
    const work = items.slice();
    this.ensureSplitScratch(work.length);
    const rng = new Rng(subSeed(this.seed, 0x7ee5, t));
    return this.makeNode(work, 0, work.length, rng);
  }

  /** Annoy's `_make_tree` over `items[lo .. hi)` (partitioned in place); returns a node code. */
  private makeNode(items: Int32Array, lo: number, hi: number, rng: Rng): number {
    if (hi - lo <= this.leafSize) return ~this.allocLeaf(items, lo, hi, hi - lo);
    const node = this.allocInner();
    const mid = this.splitRange(node, items, lo, hi, rng);
    const c0 = this.makeNode(items, lo, mid, rng);
    const c1 = this.makeNode(items, mid, hi, rng);
    this.children[2 * node] = c0;
    this.children[2 * node + 1] = c1;
    return node;
  }

  private ensureSplitScratch(n: number): void {
    if (this.sideScratch.length < n) this.sideScratch = new Uint8Array(n);
    if (this.itemScratch.length < n) this.itemScratch = new Int32Array(n);
  }

  /**
   * Choose inner node `node`'s hyperplane for `items[lo .. hi)` (at least 2 items) and
   * partition them stably: side 0 to `[lo, mid)`, side 1 to `[mid, hi)`. Returns `mid`,
   * strictly inside (lo, hi).
   */
  private splitRange(node: number, items: Int32Array, lo: number, hi: number, rng: Rng): number {
    const n = hi - lo;
    const dim = this.dim;
    const treeDim = this.treeDim;
    const cosine = this.metric === 'cosine';
    const data = this.store.data;
    const extra = this.treeDim > dim ? this.augExtra : EMPTY_F32;
    const sides = this.sideScratch;
    const nOff = node * treeDim;
    let n1 = 0;
    for (let attempt = 0; attempt < SPLIT_ATTEMPTS; attempt++) {
      twoMeans(data, dim, extra, items, lo, hi, rng, cosine, this.centroidP, this.centroidQ);
      const offset = createSplitInto(this.centroidP, this.centroidQ, treeDim, cosine, this.splitNormals, nOff);
      this.splitOffsets[node] = offset;
      n1 = 0;
      const normals = this.splitNormals;
      for (let i = 0; i < n; i++) {
        const m = marginOf(normals, nOff, offset, data, dim, extra, items[lo + i]);
        const side = m > 0 ? 1 : m < 0 ? 0 : rng.nextFloat() < 0.5 ? 1 : 0;
        sides[i] = side;
        n1 += side;
      }
      if (imbalance(n1, n) < IMBALANCE_ACCEPT) break;
    }
    if (imbalance(n1, n) > IMBALANCE_RANDOM) {
      // Annoy's last resort: random sides. A zero normal makes every later margin 0, so
      // insertion hashes the side, deletion searches both, and queries explore both.
      this.splitNormals.fill(0, nOff, nOff + treeDim);
      this.splitOffsets[node] = 0;
      do {
        n1 = 0;
        for (let i = 0; i < n; i++) {
          const side = rng.nextFloat() < 0.5 ? 1 : 0;
          sides[i] = side;
          n1 += side;
        }
      } while (imbalance(n1, n) > IMBALANCE_RANDOM);
    }
    // Stable partition through the scratch buffer.
    const tmp = this.itemScratch;
    let a = 0;
    let b = n - n1;
    for (let i = 0; i < n; i++) {
      if (sides[i] === 0) tmp[a++] = items[lo + i];
      else tmp[b++] = items[lo + i];
    }
    items.set(tmp.subarray(0, n), lo);
    return lo + (n - n1);
  }

  private margin(node: number, id: number): number {
    const extra = this.treeDim > this.dim ? this.augExtra : EMPTY_F32;
    return marginOf(this.splitNormals, node * this.treeDim, this.splitOffsets[node], this.store.data, this.dim, extra, id);
  }

  /** Route `id` down tree `t` and append it to the leaf it reaches, splitting that leaf if it overflows. */
  private insertIntoTree(t: number, id: number): void {
    let slot = -1 - t; // where the current code is stored: ≥ 0 a children slot, < 0 roots[−1 − slot]
    let code = this.roots[t];
    while (code >= 0) {
      const m = this.margin(code, id);
      const side = m > 0 ? 1 : m < 0 ? 0 : mix32(id, code) & 1;
      slot = 2 * code + side;
      code = this.children[slot];
    }
    const leaf = ~code;
    this.appendToLeaf(leaf, id);
    if (this.leafSizes[leaf] > this.leafSize) this.splitLeaf(leaf, slot, id);
  }

  private appendToLeaf(leaf: number, id: number): void {
    const size = this.leafSizes[leaf];
    if (size === this.leafCap[leaf]) {
      // Full (built leaves are packed): move it to the end with room to reach leafSize + 1.
      const cap = Math.max(this.leafSize + 1, size + 1);
      const start = this.leafItemsUsed;
      this.leafItems = growInt32(this.leafItems, start + cap);
      this.leafItems.copyWithin(start, this.leafStart[leaf], this.leafStart[leaf] + size);
      this.leafItemsWasted += this.leafCap[leaf];
      this.leafStart[leaf] = start;
      this.leafCap[leaf] = cap;
      this.leafItemsUsed = start + cap;
    }
    this.leafItems[this.leafStart[leaf] + size] = id;
    this.leafSizes[leaf] = size + 1;
  }

  /** Turn an overflowing leaf into an inner node with two leaves (Annoy's split on its items). */
  private splitLeaf(leaf: number, slot: number, salt: number): void {
    const size = this.leafSizes[leaf];
    const start = this.leafStart[leaf];
    const items = this.leafItems.slice(start, start + size);
    this.ensureSplitScratch(size);
    const node = this.allocInner();
    const rng = new Rng(subSeed(this.seed, node, salt));
    const mid = this.splitRange(node, items, 0, size, rng);
    // The old leaf keeps side 0 in place; side 1 moves to a new leaf.
    this.leafItems.set(items.subarray(0, mid), start);
    this.leafSizes[leaf] = mid;
    const right = this.allocLeaf(items, mid, size, Math.max(this.leafSize + 1, size - mid));
    this.children[2 * node] = ~leaf;
    this.children[2 * node + 1] = ~right;
    if (slot >= 0) this.children[slot] = node;
    else this.roots[-1 - slot] = node;
  }

  /**
   * Remove `id` from its leaf in tree `t`. Routes by the same margins as insertion; where a
   * margin is exactly 0 (ties, random-side nodes) both children are searched.
   * @returns whether the id was found.
   */
  private removeFromTree(t: number, id: number): boolean {
    const stack = this.itemScratch.length >= 64 ? this.itemScratch : (this.itemScratch = new Int32Array(64));
    let sp = 0;
    let st = stack;
    st[sp++] = this.roots[t];
    while (sp > 0) {
      const code = st[--sp];
      if (code < 0) {
        const leaf = ~code;
        const start = this.leafStart[leaf];
        const size = this.leafSizes[leaf];
        for (let r = 0; r < size; r++) {
          if (this.leafItems[start + r] === id) {
            this.leafItems[start + r] = this.leafItems[start + size - 1];
            this.leafSizes[leaf] = size - 1;
            return true;
          }
        }
        continue;
      }
      if (sp + 2 > st.length) {
        st = growInt32(st, sp + 2);
        this.itemScratch = st;
      }
      const m = this.margin(code, id);
      if (m <= 0) st[sp++] = this.children[2 * code];
      if (m >= 0) st[sp++] = this.children[2 * code + 1];
    }
    return false;
  }

  /** Drop the growth slack of the node arrays after a build. */
  private trimForest(): void {
    this.splitNormals = this.splitNormals.slice(0, this.innerCount * this.treeDim);
    this.splitOffsets = this.splitOffsets.slice(0, this.innerCount);
    this.children = this.children.slice(0, this.innerCount * 2);
    this.leafStart = this.leafStart.slice(0, this.leafCount);
    this.leafSizes = this.leafSizes.slice(0, this.leafCount);
    this.leafCap = this.leafCap.slice(0, this.leafCount);
    this.leafItems = this.leafItems.slice(0, this.leafItemsUsed);
  }

  private maybeCompactLeaves(): void {
    if (this.leafItemsWasted * 2 <= this.leafItemsUsed) return;
    const { start, items } = this.packedLeaves();
    this.leafStart = start;
    this.leafItems = items;
    this.leafItemsUsed = items.length;
    this.leafItemsWasted = 0;
    this.leafCap = this.leafSizes.slice(0, this.leafCount);
  }

  /**
   * The leaves packed without gaps, in depth-first order of the trees (child 0 first): new
   * `leafStart` (length leafCount) and `leafItems`. A freshly built forest is already in
   * this order.
   */
  private packedLeaves(): { start: Int32Array; items: Int32Array } {
    let total = 0;
    for (let l = 0; l < this.leafCount; l++) total += this.leafSizes[l];
    const start = new Int32Array(this.leafCount);
    const items = new Int32Array(total);
    const stack: number[] = [];
    let pos = 0;
    for (let t = 0; t < this.roots.length; t++) {
      stack.push(this.roots[t]);
      while (stack.length > 0) {
        const code = stack.pop() as number;
        if (code < 0) {
          const leaf = ~code;
          const s = this.leafStart[leaf];
          const n = this.leafSizes[leaf];
          items.set(this.leafItems.subarray(s, s + n), pos);
          start[leaf] = pos;
          pos += n;
        } else {
          stack.push(this.children[2 * code + 1], this.children[2 * code]);
        }
      }
    }
    return { start, items };
  }

  /** Copy every array out of the caller's bytes before the first mutation after deserialize. */
  private ensureOwned(): void {
    if (!this.borrowed) return;
    this.deleted = this.deleted.slice();
    this.augExtra = this.augExtra.slice();
    this.splitNormals = this.splitNormals.slice();
    this.splitOffsets = this.splitOffsets.slice();
    this.children = this.children.slice();
    this.leafStart = this.leafStart.slice();
    this.leafSizes = this.leafSizes.slice();
    this.leafItems = this.leafItems.slice();
    this.roots = this.roots.slice();
    this.store.data = this.store.data.slice();
    this.borrowed = false;
  }

  // ------------------------------------------------------------------ searching

  private searchKOf(k: number, params: RpForestSearchParams): number {
    if (params.searchK === undefined) return k * this.treesWanted;
    return checkInteger('searchK', params.searchK, 1);
  }

  private checkSearchParams(params: unknown): RpForestSearchParams {
    if (params === undefined) return {};
    checkOptions(params, 'search params');
    checkKnownKeys(params as object, SEARCH_KEYS, 'RpForestIndex.search');
    return params as RpForestSearchParams;
  }

  /**
   * The k nearest live vectors of each query, approximately.
   *
   * @param queries - `nq × dim` row-major.
   * @param k - neighbours per query; rows are padded with −1/+Infinity when fewer are found.
   * @param params - `searchK` (default `k × nTrees`), `stats` (use {@link RpForestSearchStats} for the forest's extra counters).
   */
  search(queries: Float32Array, k: number, params?: RpForestSearchParams): SearchResult {
    const p = this.checkSearchParams(params);
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const searchK = this.searchKOf(k, p);
    const result = createSearchResult(nq, k);
    if (this.live === 0 || nq === 0) return result;
    for (let q = 0; q < nq; q++) {
      this.searchInto(queries, q * this.dim, k, searchK, result.ids, result.distances, q * k, p.stats);
    }
    return result;
  }

  /**
   * One query into caller-owned output (Annoy's `_get_all_nns`): the k nearest of
   * `query[qOff .. qOff + dim)` go to `outIds`/`outDist` at `outOff`, ascending, padded.
   * Inputs are not validated here; `search` does that.
   *
   * One priority queue holds nodes of all trees, keyed by the smallest margin met on the way
   * down (a root starts at +Infinity; the side the query is on gets +margin, the other side
   * −margin, so the far side of a plane the query nearly touches ranks high). Leaves popped
   * from it contribute their items until `searchK` candidates were seen; distinct ones are
   * then measured exactly in one `distancesToIds` call and the k best kept.
   */
  searchInto(
    query: Float32Array, qOff: number, k: number, searchK: number,
    outIds: Int32Array, outDist: Float32Array, outOff: number, stats?: SearchStats,
  ): void {
    const dc = this.dc;
    dc.setQuery(query, qOff);
    const q = dc.query;
    const dim = this.dim;
    const treeDim = this.treeDim;
    const normals = this.splitNormals;
    const offsets = this.splitOffsets;
    const children = this.children;
    const leafStart = this.leafStart;
    const leafSizes = this.leafSizes;
    const leafItems = this.leafItems;
    const queue = this.queue;
    const visited = this.visited;
    visited.ensureCapacity(this.store.size);
    visited.clear();
    const tags = visited.tags;
    const epoch = visited.epoch;
    let cand = this.candIds;
    // Distinct candidates never exceed the id count, however large searchK is.
    const want = Math.min(searchK + this.leafSize, this.store.size);
    if (cand.length < want) {
      cand = this.candIds = new Int32Array(want);
      this.candDist = new Float64Array(want);
    }

    queue.clear();
    const roots = this.roots;
    for (let t = 0; t < roots.length; t++) queue.push(-Infinity, roots[t]);
    let seen = 0;
    let unique = 0;
    let leaves = 0;
    let margins = 0;
    while (seen < searchK && queue.size > 0) {
      const priority = -queue.dist[0];
      const code = queue.pop();
      if (code < 0) {
        const leaf = ~code;
        const s = leafStart[leaf];
        const n = leafSizes[leaf];
        if (unique + n > cand.length) {
          cand = growInt32(cand, unique + n);
          this.candIds = cand;
          this.candDist = new Float64Array(cand.length);
        }
        for (let r = s, end = s + n; r < end; r++) {
          const id = leafItems[r];
          if (tags[id] !== epoch) {
            tags[id] = epoch;
            cand[unique++] = id;
          }
        }
        seen += n;
        leaves++;
      } else {
        const m = dot(normals, code * treeDim, q, 0, dim) + offsets[code];
        margins++;
        queue.push(-(priority < m ? priority : m), children[2 * code + 1]);
        queue.push(-(priority < -m ? priority : -m), children[2 * code]);
      }
    }

    // Visit rows in address order: on data larger than the caches this turns random row
    // reads into a forward sweep the hardware prefetcher can follow (one native sort per
    // query, no allocation per candidate).
    if (unique > 1) cand.subarray(0, unique).sort();
    const dist = this.candDist;
    dc.distancesToIds(cand, 0, unique, dist, 0);
    const topk = this.topk;
    topk.clear();
    let worst = Infinity;
    for (let r = 0; r < unique; r++) {
      const d = dist[r];
      if (d <= worst) {
        topk.offer(d, cand[r], k);
        if (topk.size === k) worst = topk.dist[0];
      }
    }
    drainToRow(topk, this.policy, k, outIds, outDist, outOff);
    if (stats !== undefined) {
      stats.queries++;
      stats.distanceComputations += unique;
      stats.hops += margins;
      if (stats instanceof RpForestSearchStats) {
        stats.candidates += seen;
        stats.leavesVisited += leaves;
        stats.marginComputations += margins;
      }
    }
  }

  /**
   * Search one query and record what the search did: which leaves it visited in each tree,
   * in order, with the priority each was reached with. A separate, allocating path for
   * learners; the answer equals {@link RpForestIndex.search}'s.
   *
   * @param query - one vector (`dim` values).
   */
  trace(query: Float32Array, k: number, params?: RpForestSearchParams): RpForestTrace {
    const p = this.checkSearchParams(params);
    const nq = checkVectors(query, this.dim, 'query');
    if (nq !== 1) throw new AnnlabError('INVALID_PARAMETER', `trace takes exactly one query (${this.dim} values), got ${nq}.`);
    checkK(k);
    const searchK = this.searchKOf(k, p);
    const treeOf = this.treeOfNodes();
    const result = createSearchResult(1, k);
    const visits: RpForestLeafVisit[] = [];
    const leavesByTree: number[][] = [];
    for (let t = 0; t < this.roots.length; t++) leavesByTree.push([]);
    let seen = 0;
    let unique = 0;
    if (this.live > 0) {
      this.dc.setQuery(query, 0);
      const q = this.dc.query;
      const queue = new MinHeap(64);
      // Tie-break ids in this queue are node codes, exactly as in searchInto.
      for (let t = 0; t < this.roots.length; t++) queue.push(-Infinity, this.roots[t]);
      const found = new Set<number>();
      const cand: number[] = [];
      while (seen < searchK && queue.size > 0) {
        const priority = -queue.dist[0];
        const code = queue.pop();
        if (code < 0) {
          const leaf = ~code;
          const s = this.leafStart[leaf];
          const n = this.leafSizes[leaf];
          const items = this.leafItems.slice(s, s + n);
          const tree = treeOf.leaf[leaf];
          visits.push({ tree, leaf, priority, items });
          leavesByTree[tree].push(leaf);
          for (let r = 0; r < n; r++) {
            if (!found.has(items[r])) {
              found.add(items[r]);
              cand.push(items[r]);
            }
          }
          seen += n;
        } else {
          const m = dot(this.splitNormals, code * this.treeDim, q, 0, this.dim) + this.splitOffsets[code];
          queue.push(-(priority < m ? priority : m), this.children[2 * code + 1]);
          queue.push(-(priority < -m ? priority : -m), this.children[2 * code]);
        }
      }
      unique = cand.length;
      const ids = Int32Array.from(cand);
      const dist = new Float64Array(unique);
      this.dc.distancesToIds(ids, 0, unique, dist, 0);
      const heap = new MaxHeap(k);
      for (let r = 0; r < unique; r++) heap.offer(dist[r], ids[r], k);
      drainToRow(heap, this.policy, k, result.ids, result.distances, 0);
    }
    return { ids: result.ids, distances: result.distances, visits, leavesByTree, candidates: seen, uniqueCandidates: unique };
  }

  /** Tree index of every inner node and leaf (walks all trees). */
  private treeOfNodes(): { inner: Int32Array; leaf: Int32Array } {
    const inner = new Int32Array(this.innerCount).fill(-1);
    const leaf = new Int32Array(this.leafCount).fill(-1);
    const stack: number[] = [];
    for (let t = 0; t < this.roots.length; t++) {
      stack.push(this.roots[t]);
      while (stack.length > 0) {
        const code = stack.pop() as number;
        if (code < 0) leaf[~code] = t;
        else {
          inner[code] = t;
          stack.push(this.children[2 * code], this.children[2 * code + 1]);
        }
      }
    }
    return { inner, leaf };
  }

  // ------------------------------------------------------------------ inspection

  /** Shape of the forest: trees, nodes, leaves, depth. */
  forestInfo(): RpForestInfo {
    let maxDepth = 0;
    let leaves = 0;
    let items = 0;
    const stack: number[] = [];
    for (let t = 0; t < this.roots.length; t++) {
      stack.push(this.roots[t], 0);
      while (stack.length > 0) {
        const depth = stack.pop() as number;
        const code = stack.pop() as number;
        if (code < 0) {
          leaves++;
          items += this.leafSizes[~code];
          if (depth > maxDepth) maxDepth = depth;
        } else {
          stack.push(this.children[2 * code], depth + 1, this.children[2 * code + 1], depth + 1);
        }
      }
    }
    return {
      trees: this.roots.length,
      innerNodes: this.innerCount,
      leaves,
      maxDepth,
      meanLeafSize: leaves > 0 ? items / leaves : 0,
    };
  }

  /**
   * Check the forest's invariants (hnswlib's `checkIntegrity`): every node reachable from
   * exactly one root and exactly once, every leaf holds ≤ leafSize ids within its slots, and
   * every live id sits in exactly one leaf of every tree while no deleted id sits in any.
   * @throws AnnlabError `CORRUPT_DATA` naming the first violation.
   */
  checkInvariants(): void {
    const fail = (msg: string): never => {
      throw new AnnlabError('CORRUPT_DATA', `rpforest invariant violated: ${msg}`);
    };
    if (this.built && this.roots.length !== this.treesWanted) fail(`${this.roots.length} roots for ${this.treesWanted} trees`);
    const innerSeen = new Uint8Array(this.innerCount);
    const leafSeen = new Uint8Array(this.leafCount);
    const n = this.store.size;
    const count = new Int32Array(n);
    const stack: number[] = [];
    for (let t = 0; t < this.roots.length; t++) {
      count.fill(0);
      stack.push(this.roots[t]);
      while (stack.length > 0) {
        const code = stack.pop() as number;
        if (code < 0) {
          const leaf = ~code;
          if (leaf >= this.leafCount) fail(`leaf ${leaf} out of range`);
          if (leafSeen[leaf]) fail(`leaf ${leaf} reached twice`);
          leafSeen[leaf] = 1;
          const s = this.leafStart[leaf];
          const size = this.leafSizes[leaf];
          if (size > this.leafSize) fail(`leaf ${leaf} holds ${size} > leafSize ${this.leafSize}`);
          if (size > this.leafCap[leaf] || s < 0 || s + this.leafCap[leaf] > this.leafItemsUsed) fail(`leaf ${leaf} range out of bounds`);
          for (let r = 0; r < size; r++) {
            const id = this.leafItems[s + r];
            if (id < 0 || id >= n) fail(`leaf ${leaf} holds id ${id} outside [0, ${n})`);
            count[id]++;
          }
        } else {
          if (code >= this.innerCount) fail(`inner node ${code} out of range`);
          if (innerSeen[code]) fail(`inner node ${code} reached twice`);
          innerSeen[code] = 1;
          stack.push(this.children[2 * code], this.children[2 * code + 1]);
        }
      }
      for (let id = 0; id < n; id++) {
        const want = this.deleted[id] === 0 ? 1 : 0;
        if (count[id] !== want) fail(`id ${id} appears ${count[id]} times in tree ${t} (expected ${want})`);
      }
    }
    for (let i = 0; i < this.innerCount; i++) if (!innerSeen[i]) fail(`inner node ${i} unreachable`);
    for (let l = 0; l < this.leafCount; l++) if (!leafSeen[l]) fail(`leaf ${l} unreachable`);
    let live = 0;
    for (let id = 0; id < n; id++) if (this.deleted[id] === 0) live++;
    if (live !== this.live) fail(`live count ${this.live} but ${live} ids are not deleted`);
  }

  /** A copy of stored vector `id` (unit-normalised for cosine). */
  reconstruct(id: number): Float32Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.store.size) {
      throw new AnnlabError('INVALID_PARAMETER', `id must be an integer in [0, ${this.store.size}), got ${String(id)}.`);
    }
    return this.store.row(id);
  }

  /** Bytes held: vectors, forest arrays, per-id flags and search scratch. */
  memoryBytes(): number {
    return (
      this.store.memoryBytes() +
      this.augExtra.byteLength +
      this.deleted.byteLength +
      this.splitNormals.byteLength +
      this.splitOffsets.byteLength +
      this.children.byteLength +
      this.leafStart.byteLength +
      this.leafSizes.byteLength +
      this.leafCap.byteLength +
      this.leafItems.byteLength +
      this.roots.byteLength +
      this.queue.dist.byteLength +
      this.queue.ids.byteLength +
      this.topk.dist.byteLength +
      this.topk.ids.byteLength +
      this.visited.memoryBytes() +
      this.candIds.byteLength +
      this.candDist.byteLength +
      this.centroidP.byteLength +
      this.centroidQ.byteLength +
      this.sideScratch.byteLength +
      this.itemScratch.byteLength
    );
  }

  // ------------------------------------------------------------------ files

  /**
   * The index as an annlab file: parameters; the `idCount × dim` vectors; per-id deleted
   * flags; the augmented components (inner product; else empty); then the flat forest
   * (`splitNormals`, `splitOffsets`, `children`, `leafStart`, `leafSizes`, `leafItems` packed
   * in depth-first order, `roots`). The same seed and the same sequence of calls give the
   * same bytes.
   */
  serialize(): Uint8Array {
    const w = new BinaryWriter(RpForestIndex.TAG, RpForestIndex.FORMAT_VERSION);
    const params: SerializedParams = {
      dim: this.dim,
      metric: this.metric,
      nTrees: this.treesWanted,
      leafSize: this.leafSize,
      seed: this.seed,
      maxNorm: this.maxNorm,
      built: this.built,
      live: this.live,
    };
    w.json(params);
    const n = this.store.size;
    w.array(this.store.view());
    w.array(this.deleted.subarray(0, n));
    w.array(this.treeDim > this.dim ? this.augExtra.subarray(0, n) : EMPTY_F32);
    const { start, items } = this.packedLeaves();
    w.array(this.splitNormals.subarray(0, this.innerCount * this.treeDim));
    w.array(this.splitOffsets.subarray(0, this.innerCount));
    w.array(this.children.subarray(0, this.innerCount * 2));
    w.array(start);
    w.array(this.leafSizes.subarray(0, this.leafCount));
    w.array(items);
    w.array(this.roots);
    return w.finish();
  }

  /**
   * Load an index written by {@link RpForestIndex.serialize}. When `bytes` is suitably
   * aligned every array is a zero-copy view into it (copied only on the first `add`,
   * `delete` or `addTrees`). Damaged, foreign or inconsistent bytes throw `AnnlabError`.
   *
   * @param options - `kernels`: the distance backend of the loaded index. The default `'js'`
   * keeps the vectors zero-copy; `'simd'`/`'auto'` copy them into WebAssembly memory.
   */
  static deserialize(bytes: Uint8Array, options: { kernels?: KernelBackend } = {}): RpForestIndex {
    const r = BinaryReader.open(bytes, RpForestIndex.TAG);
    r.expectVersion(RpForestIndex.FORMAT_VERSION);
    const p = r.json<SerializedParams>();
    let index: RpForestIndex;
    try {
      index = new RpForestIndex({ dim: p.dim, metric: p.metric, nTrees: p.nTrees, leafSize: p.leafSize, seed: p.seed, kernels: options.kernels ?? 'js' });
    } catch (e) {
      throw new AnnlabError('CORRUPT_DATA', `rpforest file has invalid parameters: ${(e as Error).message}`, { cause: e });
    }
    const corrupt = (msg: string): never => {
      throw new AnnlabError('CORRUPT_DATA', `rpforest file is inconsistent: ${msg}. Re-create it with serialize().`);
    };
    if (typeof p.maxNorm !== 'number' || !(p.maxNorm >= 0) || typeof p.built !== 'boolean' || !Number.isInteger(p.live)) {
      corrupt('bad parameter record');
    }
    const dim = index.dim;
    const treeDim = index.treeDim;
    const data = r.f32array();
    if (data.length % dim !== 0) corrupt(`vector section of ${data.length} values is not a multiple of dim = ${dim}`);
    const n = data.length / dim;
    const deleted = r.u8array(n);
    const augExtra = r.f32array(treeDim > dim ? n : 0);
    const normals = r.f32array();
    if (normals.length % treeDim !== 0) corrupt('hyperplane section size');
    const innerCount = normals.length / treeDim;
    const offsets = r.f64array(innerCount);
    const children = r.i32array(innerCount * 2);
    const leafStart = r.i32array();
    const leafCount = leafStart.length;
    const leafSizes = r.i32array(leafCount);
    const leafItems = r.i32array();
    const roots = r.i32array();
    r.finish();

    let live = 0;
    for (let id = 0; id < n; id++) {
      if (deleted[id] > 1) corrupt('deleted flag other than 0/1');
      if (deleted[id] === 0) live++;
    }
    if (live !== p.live) corrupt('live count');
    if (p.built ? roots.length !== p.nTrees : roots.length !== 0 || innerCount !== 0 || leafCount !== 0) corrupt('tree count');
    const codeOk = (c: number): boolean => (c >= 0 ? c < innerCount : ~c < leafCount);
    for (let i = 0; i < children.length; i++) if (!codeOk(children[i])) corrupt('child out of range');
    for (let t = 0; t < roots.length; t++) if (!codeOk(roots[t])) corrupt('root out of range');
    for (let l = 0; l < leafCount; l++) {
      const s = leafStart[l];
      const size = leafSizes[l];
      if (s < 0 || size < 0 || size > index.leafSize || s + size > leafItems.length) corrupt(`leaf ${l} range`);
    }
    for (let i = 0; i < leafItems.length; i++) if (leafItems[i] < 0 || leafItems[i] >= n) corrupt('leaf item id out of range');

    const adopted = VectorStore.adopt(dim, data, index.policy.normalize);
    index.store.data = adopted.data;
    index.store.size = adopted.size;
    index.deleted = deleted;
    index.augExtra = augExtra;
    index.maxNorm = p.maxNorm;
    index.splitNormals = normals;
    index.splitOffsets = offsets;
    index.children = children;
    index.innerCount = innerCount;
    index.leafStart = leafStart;
    index.leafSizes = leafSizes;
    index.leafCap = leafSizes.slice();
    index.leafCount = leafCount;
    index.leafItems = leafItems;
    index.leafItemsUsed = leafItems.length;
    index.leafItemsWasted = 0;
    index.roots = roots;
    index.built = p.built;
    index.live = live;
    index.borrowed = true;
    // A structurally valid file can still wire nodes into cycles or share them: check it all.
    try {
      index.checkInvariants();
    } catch (e) {
      throw new AnnlabError('CORRUPT_DATA', `rpforest file is inconsistent: ${(e as Error).message}`, { cause: e });
    }
    return index;
  }
}
