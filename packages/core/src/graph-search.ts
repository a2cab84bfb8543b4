/**
 * Best-first (greedy beam) search over a fixed-degree graph: the query-time loop shared by
 * the flat-graph families (Vamana, NN-Descent), the same loop as HNSW's level-0 SEARCH-LAYER.
 *
 * The graph is one `Int32Array` adjacency in hnswlib's level-0 layout: node `i` owns the
 * block `[i·stride, (i+1)·stride)`; slot 0 holds its out-degree `cnt`, slots `1..cnt` its
 * neighbour ids (`stride = 1 + maxDegree`). Starting from one or more entry points, the
 * search keeps a candidate min-heap C and a result max-heap W of at most `L` nodes; it
 * repeatedly expands the closest candidate (measuring its unvisited neighbours with one
 * {@link DistanceComputer.distancesToIds} call) and stops when that candidate is worse than
 * the worst of W. All comparisons use the (distance, id) total order of core's heaps, so the
 * search is deterministic and ties go to the smaller id.
 *
 * This is Algorithm 1, GreedySearch(s, x_q, k, L), of Subramanya et al., "DiskANN: Fast
 * Accurate Billion-point Nearest Neighbor Search on a Single Node", NeurIPS 2019, written
 * with heaps instead of a sorted list: the paper's list ℒ is W, "the closest unvisited
 * p* ∈ ℒ \ 𝒱" is the top of C, and 𝒱 (the expanded nodes) is what
 * {@link graphSearchRecorded} records. Both forms expand the same nodes in the same order
 * (the test compares them). It is also Alg. 2 SEARCH-LAYER of Malkov & Yashunin (HNSW).
 *
 * Paper step → code:
 * - GreedySearch, query time → {@link graphSearch}: the fast path, nothing counted.
 * - GreedySearch returning the visited set 𝒱 (index construction), or with work counters
 *   (`SearchStats`, explain) → {@link graphSearchRecorded}.
 * - "return the k closest of ℒ" → {@link drainGraphResults}.
 * - one query of an index, search then drain (with or without counters) → {@link graphSearchInto}.
 *
 * @module
 */
import type { DistanceComputer } from './distance-computer.js';
import { MaxHeap, MinHeap } from './heap.js';
import type { MetricPolicy } from './metrics.js';
import { drainToRow } from './result.js';
import type { SearchStats } from './types.js';
import { VisitedSet } from './visited-set.js';

/** Work counters {@link graphSearchRecorded} adds to (a `SearchStats` fits). */
export interface GraphSearchCounter {
  /** Query-to-node distance evaluations. */
  distanceComputations: number;
  /** Nodes expanded. */
  hops: number;
}

/**
 * The reusable scratch of a graph search (hnswlib's visited-list pool plus heaps), sized once
 * and grown on demand; one per searching thread. Fixed shape; every buffer is a typed array.
 */
export class GraphSearchContext {
  /** Visited tags (one slot per node id). */
  readonly visited: VisitedSet;
  /** Candidate queue C (closest on top). */
  readonly candidates: MinHeap;
  /** Result list W / the paper's ℒ: the `L` closest found, worst on top. */
  readonly results: MaxHeap;
  /** Ids gathered per expansion, length ≥ max(degree, entry count). */
  scratchIds: Int32Array;
  /** Distances parallel to `scratchIds`. */
  scratchDist: Float64Array;
  /** Expanded nodes in expansion order (the paper's 𝒱), filled by {@link graphSearchRecorded}; first `expandedCount` valid. */
  expandedIds: Int32Array;
  /** Internal distances parallel to `expandedIds`. */
  expandedDist: Float64Array;
  /** Number of valid entries in `expandedIds` / `expandedDist`. */
  expandedCount: number;

  /**
   * @param capacity - node ids to allocate visited tags for (grows with {@link GraphSearchContext.ensureCapacity}).
   * @param maxDegree - the largest out-degree (stride − 1) the graphs searched will have.
   */
  constructor(capacity: number, maxDegree: number) {
    this.visited = new VisitedSet(capacity);
    this.candidates = new MinHeap(64);
    this.results = new MaxHeap(64);
    const scratch = Math.max(1, maxDegree);
    this.scratchIds = new Int32Array(scratch);
    this.scratchDist = new Float64Array(scratch);
    this.expandedIds = new Int32Array(64);
    this.expandedDist = new Float64Array(64);
    this.expandedCount = 0;
  }

  /** Make room for node ids in [0, n). */
  ensureCapacity(n: number): void {
    this.visited.ensureCapacity(n);
  }

  /** Make the per-expansion scratch hold at least `n` ids. */
  ensureScratch(n: number): void {
    if (n <= this.scratchIds.length) return;
    this.scratchIds = new Int32Array(n);
    this.scratchDist = new Float64Array(n);
  }

  /** Append (id, d) to the expanded list, doubling it when full. */
  recordExpanded(id: number, d: number): void {
    let n = this.expandedCount;
    if (n === this.expandedIds.length) {
      const ids = new Int32Array(n * 2);
      ids.set(this.expandedIds);
      const dist = new Float64Array(n * 2);
      dist.set(this.expandedDist);
      this.expandedIds = ids;
      this.expandedDist = dist;
    }
    this.expandedIds[n] = id;
    this.expandedDist[n] = d;
    this.expandedCount = ++n;
  }

  /** Bytes held by the scratch arrays. */
  memoryBytes(): number {
    return (
      this.visited.memoryBytes() +
      this.candidates.dist.byteLength +
      this.candidates.ids.byteLength +
      this.results.dist.byteLength +
      this.results.ids.byteLength +
      this.scratchIds.byteLength +
      this.scratchDist.byteLength +
      this.expandedIds.byteLength +
      this.expandedDist.byteLength
    );
  }
}

/**
 * Seed C and W with the entry points `entries[entryOff .. entryOff + entryCount)` (duplicates
 * ignored; W keeps the `L` closest). Returns the number of distinct entries measured.
 */
function seedEntries(
  ctx: GraphSearchContext,
  dc: DistanceComputer,
  entries: Int32Array,
  entryOff: number,
  entryCount: number,
  L: number,
): number {
  ctx.ensureScratch(entryCount);
  const visited = ctx.visited;
  visited.clear();
  const tags = visited.tags;
  const epoch = visited.epoch;
  const scratch = ctx.scratchIds;
  const sd = ctx.scratchDist;
  const C = ctx.candidates;
  const W = ctx.results;
  C.clear();
  W.clear();
  let m = 0;
  for (let j = 0; j < entryCount; j++) {
    const e = entries[entryOff + j];
    if (tags[e] !== epoch) {
      tags[e] = epoch;
      scratch[m++] = e;
    }
  }
  if (m === 0) return 0;
  dc.distancesToIds(scratch, 0, m, sd, 0);
  for (let j = 0; j < m; j++) {
    if (W.offer(sd[j], scratch[j], L)) C.push(sd[j], scratch[j]);
  }
  return m;
}

/**
 * GreedySearch, fast path: best-first search from the entry points with a result list of
 * `L` (≥ 1) nodes; leaves W in `ctx.results` (read it with {@link drainGraphResults}). The
 * query must already be set in `dc`, and `ctx` must have room for every id in `adj`
 * (`ensureCapacity`) and `ctx.scratchIds` for `stride − 1` ids.
 *
 * @param adj - adjacency, `nodes × stride`, count in slot 0 of each block (see the module doc).
 * @param stride - ints per node block: 1 + the maximum degree.
 */
export function graphSearch(
  ctx: GraphSearchContext,
  dc: DistanceComputer,
  adj: Int32Array,
  stride: number,
  entries: Int32Array,
  entryOff: number,
  entryCount: number,
  L: number,
): void {
  seedEntries(ctx, dc, entries, entryOff, entryCount, L);
  const tags = ctx.visited.tags;
  const epoch = ctx.visited.epoch;
  const C = ctx.candidates;
  const W = ctx.results;
  const scratch = ctx.scratchIds;
  const sd = ctx.scratchDist;
  while (C.size > 0) {
    const cd = C.dist[0];
    const wd = W.dist[0];
    if (cd > wd || (cd === wd && C.ids[0] > W.ids[0])) break;
    const c = C.pop();
    const base = c * stride;
    const end = base + 1 + adj[base];
    let m = 0;
    for (let j = base + 1; j < end; j++) {
      const nb = adj[j];
      if (tags[nb] !== epoch) {
        tags[nb] = epoch;
        scratch[m++] = nb;
      }
    }
    if (m === 0) continue;
    dc.distancesToIds(scratch, 0, m, sd, 0);
    for (let j = 0; j < m; j++) {
      const d = sd[j];
      if (W.size < L) {
        const nb = scratch[j];
        C.push(d, nb);
        W.push(d, nb);
      } else {
        const top = W.dist[0];
        if (d < top || (d === top && scratch[j] < W.ids[0])) {
          const nb = scratch[j];
          C.push(d, nb);
          W.replaceTop(d, nb);
        }
      }
    }
  }
}

/**
 * GreedySearch with the extras the fast path leaves out: the same search as
 * {@link graphSearch} (same expansions, same W), and in addition
 *
 * - `record`: each expanded node and its distance are appended, in expansion order, to
 *   `ctx.expandedIds` / `ctx.expandedDist` (`ctx.expandedCount` of them): the visited set 𝒱
 *   that Vamana's RobustPrune takes;
 * - `counter`: distance evaluations (entries included) and expansions are added to it.
 */
export function graphSearchRecorded(
  ctx: GraphSearchContext,
  dc: DistanceComputer,
  adj: Int32Array,
  stride: number,
  entries: Int32Array,
  entryOff: number,
  entryCount: number,
  L: number,
  record: boolean,
  counter: GraphSearchCounter | null,
): void {
  const seeded = seedEntries(ctx, dc, entries, entryOff, entryCount, L);
  ctx.expandedCount = 0;
  let distances = seeded;
  let hops = 0;
  const tags = ctx.visited.tags;
  const epoch = ctx.visited.epoch;
  const C = ctx.candidates;
  const W = ctx.results;
  const scratch = ctx.scratchIds;
  const sd = ctx.scratchDist;
  while (C.size > 0) {
    const cd = C.dist[0];
    const wd = W.dist[0];
    if (cd > wd || (cd === wd && C.ids[0] > W.ids[0])) break;
    const c = C.pop();
    hops++;
    if (record) ctx.recordExpanded(c, cd);
    const base = c * stride;
    const end = base + 1 + adj[base];
    let m = 0;
    for (let j = base + 1; j < end; j++) {
      const nb = adj[j];
      if (tags[nb] !== epoch) {
        tags[nb] = epoch;
        scratch[m++] = nb;
      }
    }
    if (m === 0) continue;
    distances += m;
    dc.distancesToIds(scratch, 0, m, sd, 0);
    for (let j = 0; j < m; j++) {
      const d = sd[j];
      const nb = scratch[j];
      if (W.size < L) {
        C.push(d, nb);
        W.push(d, nb);
      } else {
        const top = W.dist[0];
        if (d < top || (d === top && nb < W.ids[0])) {
          C.push(d, nb);
          W.replaceTop(d, nb);
        }
      }
    }
  }
  if (counter !== null) {
    counter.distanceComputations += distances;
    counter.hops += hops;
  }
}

/**
 * Write the `k` closest of W (`ctx.results`, left by a search) into one result row at
 * `outOff`: ascending by (distance, id), converted to reported distances by `policy`, padded
 * with −1/+Infinity up to `k`. Empties W. Returns the number of real results written.
 */
export function drainGraphResults(
  ctx: GraphSearchContext,
  policy: MetricPolicy,
  k: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
): number {
  const W = ctx.results;
  while (W.size > k) W.pop();
  return drainToRow(W, policy, k, outIds, outDist, outOff);
}

/**
 * One query of a graph index into caller-owned output: GreedySearch from the entry points
 * with list size `L` ({@link graphSearch}, or {@link graphSearchRecorded} counting into
 * `stats` and one query when `stats` is given), then the `k` closest into the row at `outOff`
 * ({@link drainGraphResults}). The query must already be set in `dc`; nothing is validated.
 */
export function graphSearchInto(
  ctx: GraphSearchContext,
  dc: DistanceComputer,
  policy: MetricPolicy,
  adj: Int32Array,
  stride: number,
  entries: Int32Array,
  entryOff: number,
  entryCount: number,
  L: number,
  k: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
  stats: SearchStats | undefined,
): void {
  if (stats === undefined) {
    graphSearch(ctx, dc, adj, stride, entries, entryOff, entryCount, L);
  } else {
    graphSearchRecorded(ctx, dc, adj, stride, entries, entryOff, entryCount, L, false, stats);
    stats.queries++;
  }
  drainGraphResults(ctx, policy, k, outIds, outDist, outOff);
}
