/**
 * Searching the forest: Annoy's `_get_all_nns` over the flat arrays.
 *
 * Citation: Annoy (E. Bernhardsson, github.com/spotify/annoy, `src/annoylib.h`,
 * `_get_all_nns`).
 *
 * Map from Annoy to code, all in {@link searchForest}:
 * - one priority queue over the nodes of all trees, each root pushed with priority +∞;
 * - expanding an inner node with margin m pushes the query's side with `min(priority, m)` and
 *   the far side with `min(priority, −m)` (`Minkowski::pq_distance`), so the far side of a
 *   plane the query nearly touches ranks high;
 * - leaves popped contribute their items until `search_k` candidates were seen, repeats
 *   counted (default `search_k = n × n_trees` → `searchK = k × nTrees`);
 * - candidates deduplicated (Annoy sorts and `unique`s; here a visited set marks them as they
 *   are collected), then re-ranked exactly (Annoy's `partial_sort` → a bounded max-heap).
 *
 * @module
 */
import {
  grownArray,
  MaxHeap,
  MinHeap,
  SearchStats,
  VisitedSet,
  checkInteger,
  dot,
  drainToRow,
  type DistanceComputer,
  type MetricPolicy,
  type SearchParams,
} from '@annlab/core';
import type { FlatForest } from './internal/flat-forest.js';

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

/** The keys {@link RpForestSearchParams} may hold. */
export const SEARCH_KEYS: readonly string[] = ['searchK', 'stats'];

/**
 * `searchK` of a search: the given one (checked: an integer ≥ 1), else `k × nTrees`.
 * @throws AnnlabError `INVALID_PARAMETER` for a bad `searchK`.
 */
export function searchKOf(k: number, nTrees: number, params: RpForestSearchParams): number {
  if (params.searchK === undefined) return k * nTrees;
  return checkInteger('searchK', params.searchK, 1);
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

/** Buffers one search reuses: the node queue, the top k, the visited set, the candidates. */
export class SearchScratch {
  /** The priority queue over node codes, keyed by −priority. */
  readonly queue: MinHeap;
  /** The k best candidates. */
  readonly topk: MaxHeap;
  /** Marks candidates already collected. */
  readonly visited: VisitedSet;
  /** Distinct candidate ids of the current query. */
  candIds: Int32Array;
  /** Their internal distances. */
  candDist: Float64Array;

  constructor() {
    this.queue = new MinHeap(64);
    this.topk = new MaxHeap(16);
    this.visited = new VisitedSet(16);
    this.candIds = new Int32Array(0);
    this.candDist = new Float64Array(0);
  }

  /** Bytes held. */
  memoryBytes(): number {
    return (
      this.queue.dist.byteLength +
      this.queue.ids.byteLength +
      this.topk.dist.byteLength +
      this.topk.ids.byteLength +
      this.visited.memoryBytes() +
      this.candIds.byteLength +
      this.candDist.byteLength
    );
  }
}

/**
 * One query into caller-owned output: the k nearest of `query[qOff .. qOff + dim)` go to
 * `outIds`/`outDist` at `outOff`, ascending, padded. Nothing is validated here.
 *
 * One priority queue holds nodes of all trees, keyed by the smallest margin met on the way
 * down (a root starts at +Infinity). Leaves popped from it contribute their items until
 * `searchK` candidates were seen; distinct ones are then measured exactly in one
 * `distancesToIds` call and the k best kept.
 */
export function searchForest(
  forest: FlatForest,
  dc: DistanceComputer,
  policy: MetricPolicy,
  scratch: SearchScratch,
  query: Float32Array,
  qOff: number,
  k: number,
  searchK: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
  stats: SearchStats | undefined,
): void {
  dc.setQuery(query, qOff);
  const q = dc.query;
  const dim = forest.dim;
  const treeDim = forest.treeDim;
  const normals = forest.splitNormals;
  const offsets = forest.splitOffsets;
  const children = forest.children;
  const leafStart = forest.leafStart;
  const leafSizes = forest.leafSizes;
  const leafItems = forest.leafItems;
  const queue = scratch.queue;
  const visited = scratch.visited;
  const idCount = forest.store.size;
  visited.ensureCapacity(idCount);
  visited.clear();
  const tags = visited.tags;
  const epoch = visited.epoch;
  let cand = scratch.candIds;
  // Distinct candidates never exceed the id count, however large searchK is.
  const want = Math.min(searchK + forest.leafSize, idCount);
  if (cand.length < want) {
    cand = scratch.candIds = new Int32Array(want);
    scratch.candDist = new Float64Array(want);
  }

  queue.clear();
  const roots = forest.roots;
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
        cand = grownArray(cand, unique + n);
        scratch.candIds = cand;
        scratch.candDist = new Float64Array(cand.length);
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
  const dist = scratch.candDist;
  dc.distancesToIds(cand, 0, unique, dist, 0);
  const topk = scratch.topk;
  topk.clear();
  let worst = Infinity;
  for (let r = 0; r < unique; r++) {
    const d = dist[r];
    if (d <= worst) {
      topk.offer(d, cand[r], k);
      if (topk.size === k) worst = topk.dist[0];
    }
  }
  drainToRow(topk, policy, k, outIds, outDist, outOff);
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
