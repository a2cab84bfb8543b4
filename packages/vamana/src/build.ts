/**
 * Algorithm 3, Vamana indexing, of Subramanya, Devvrit, Kadekodi, Krishnaswamy, Simhadri,
 * "DiskANN: Fast Accurate Billion-point Nearest Neighbor Search on a Single Node", NeurIPS
 * 2019; and the insert of Singh, Subramanya, Krishnaswamy, Simhadri, "FreshDiskANN: A Fast
 * and Accurate Graph-Based ANN Index for Streaming Similarity Search", arXiv:2105.09613, 2021
 * (Algorithm 2, Insert).
 *
 * The build starts from a random R-regular directed graph, takes the medoid as the start
 * node s, and then visits every point in a random order σ, twice (first with α = 1, then
 * with the user's α): for point p it runs GreedySearch(s, x_p, 1, L) to collect the visited
 * set 𝒱, sets N_out(p) ← RobustPrune(p, 𝒱, α, R), and adds the reverse edge p to each new
 * neighbour j, pruning j with RobustPrune(j, N_out(j) ∪ {p}, α, R) when that overflows R.
 * Points added after the build go through the same steps once, with the user's α
 * (FreshDiskANN's insert): the start node does not move.
 *
 * Paper step → code:
 * - "initialise G to a random R-regular directed graph" → {@link randomRegularGraph};
 * - "let s denote the medoid of P" → {@link findMedoid} (the point closest to the mean, as
 *   DiskANN's code computes it; the exact medoid costs n² distances);
 * - "let σ denote a random permutation", two passes with α = 1 then α → {@link buildVamana};
 * - the loop body (GreedySearch, RobustPrune, reverse edges) → {@link insertPoint}, which is
 *   also FreshDiskANN's Insert.
 *
 * Deviation, stated honestly: DiskANN's code runs the loop body for many points in parallel
 * and locks neighbour lists; here it is sequential, so the same seed gives the same graph.
 *
 * @module
 */
import {
  type GraphSearchContext,
  PROGRESS_EVERY,
  Rng,
  graphSearchRecorded,
  type DistanceComputer,
  type ProgressCallback,
} from '@annlab/core';
import type { VamanaGraph } from './internal/graph.js';
import { PruneScratch, robustPrune } from './robust-prune.js';

/** What one build or insert works with: the graph, both distance computers and the scratch. Fixed shape. */
export class BuildContext {
  /** The graph being built. */
  readonly graph: VamanaGraph;
  /** Search distances (the index's metric), query = the point being inserted. */
  readonly dc: DistanceComputer;
  /** Pruning distances between stored rows (the index's metric; squared L2 for inner product). */
  readonly pdc: DistanceComputer;
  /** Whether search distances are also the pruning distances (not for inner product). */
  readonly sameDistance: boolean;
  /** GreedySearch's scratch. */
  readonly search: GraphSearchContext;
  /** RobustPrune's scratch. */
  readonly prune: PruneScratch;
  /** The entry list handed to the search: `[s]`. */
  readonly entry: Int32Array;

  constructor(graph: VamanaGraph, dc: DistanceComputer, pdc: DistanceComputer, sameDistance: boolean, search: GraphSearchContext) {
    this.graph = graph;
    this.dc = dc;
    this.pdc = pdc;
    this.sameDistance = sameDistance;
    this.search = search;
    this.prune = new PruneScratch();
    this.entry = new Int32Array(1);
  }
}

/**
 * Give nodes [0, n) each min(R, n − 1) distinct random out-neighbours other than itself (a
 * random R-regular directed graph), drawn with `rng` by rejection against a visited set.
 */
export function randomRegularGraph(graph: VamanaGraph, n: number, rng: Rng, search: GraphSearchContext): void {
  const adj = graph.adj;
  const stride = graph.stride;
  const deg = Math.min(graph.R, n - 1);
  const visited = search.visited;
  visited.ensureCapacity(n);
  for (let i = 0; i < n; i++) {
    visited.clear();
    visited.add(i);
    const base = i * stride;
    let c = 0;
    while (c < deg) {
      const v = rng.nextInt(n);
      if (visited.visit(v)) adj[base + 1 + c++] = v;
    }
    adj[base] = deg;
  }
}

/**
 * The node closest to the mean of rows [0, n) by the pruning distance (ties: smaller id):
 * DiskANN's approximate medoid.
 */
export function findMedoid(pdc: DistanceComputer, n: number): number {
  const store = pdc.store;
  const dim = store.dim;
  const data = store.data;
  const sum = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    for (let j = 0; j < dim; j++) sum[j] += data[off + j];
  }
  const mean = new Float32Array(dim);
  for (let j = 0; j < dim; j++) mean[j] = sum[j] / n;
  pdc.setQuery(mean, 0);
  const CHUNK = 4096;
  const d = new Float64Array(Math.min(n, CHUNK));
  let best = -1;
  let bestDist = Infinity;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    pdc.distancesToRange(start, count, d, 0);
    for (let r = 0; r < count; r++) {
      if (d[r] < bestDist) {
        bestDist = d[r];
        best = start + r;
      }
    }
  }
  return best < 0 ? 0 : best;
}

/**
 * The loop body of Algorithm 3 (and FreshDiskANN's Insert) for point `p`: GreedySearch from
 * s with list size `L` recording 𝒱, N_out(p) ← RobustPrune(p, 𝒱 ∪ N_out(p), α, R), then the
 * reverse edges with their overflow prunes. Ids [0, idCount) must be in the graph and the
 * scratch sized for them.
 */
export function insertPoint(ctx: BuildContext, p: number, idCount: number, L: number, alpha: number): void {
  const graph = ctx.graph;
  const search = ctx.search;
  const prune = ctx.prune;
  ctx.dc.setQueryToRow(p);
  ctx.entry[0] = graph.medoid;
  graphSearchRecorded(search, ctx.dc, graph.adj, graph.stride, ctx.entry, 0, 1, L, true, null);

  prune.begin(p, idCount);
  const V = search.expandedIds;
  const Vd = search.expandedDist;
  const nV = search.expandedCount;
  const keepDist = ctx.sameDistance;
  for (let i = 0; i < nV; i++) prune.offer(V[i], keepDist ? Vd[i] : NaN);
  prune.offerNeighbours(graph, p);
  prune.measure(ctx.pdc, p);
  robustPrune(graph, ctx.pdc, prune, p, alpha);

  // Reverse edges: p joins each new neighbour's list; an overflowing list is pruned.
  const adj = graph.adj;
  const stride = graph.stride;
  const R = graph.R;
  const pBase = p * stride;
  const pDeg = adj[pBase];
  for (let t = 1; t <= pDeg; t++) {
    const j = adj[pBase + t];
    const jBase = j * stride;
    const jDeg = adj[jBase];
    let present = false;
    for (let u = 1; u <= jDeg; u++) {
      if (adj[jBase + u] === p) {
        present = true;
        break;
      }
    }
    if (present) continue;
    if (jDeg < R) {
      adj[jBase + 1 + jDeg] = p;
      adj[jBase] = jDeg + 1;
    } else {
      prune.begin(j, idCount);
      prune.offerNeighbours(graph, j);
      prune.offer(p, NaN);
      prune.measure(ctx.pdc, j);
      robustPrune(graph, ctx.pdc, prune, j, alpha);
    }
  }
}

/**
 * Algorithm 3 over nodes [0, n) (the graph holds no edges yet): random R-regular graph,
 * medoid start node, then two passes over one random permutation, α = 1 then `alpha`.
 * `onProgress(done, 2n)` runs every `PROGRESS_EVERY` inserts of either pass and at the end
 * of each pass (an exception from it leaves a half-built graph: the caller undoes it).
 */
export function buildVamana(
  ctx: BuildContext,
  n: number,
  L: number,
  alpha: number,
  seed: number,
  onProgress: ProgressCallback | null = null,
): void {
  const graph = ctx.graph;
  const rng = new Rng(seed);
  graph.nodes = n;
  randomRegularGraph(graph, n, rng, ctx.search);
  graph.medoid = findMedoid(ctx.pdc, n);
  if (n === 1) {
    if (onProgress !== null) onProgress(2, 2);
    return;
  }
  const sigma = new Int32Array(n);
  for (let i = 0; i < n; i++) sigma[i] = i;
  rng.shuffle(sigma);
  for (let pass = 0; pass < 2; pass++) {
    const a = pass === 0 ? 1 : alpha;
    for (let i = 0; i < n; i++) {
      insertPoint(ctx, sigma[i], n, L, a);
      if (onProgress !== null && ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === n)) onProgress(pass * n + i + 1, 2 * n);
    }
  }
}
