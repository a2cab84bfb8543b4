/**
 * From the k-NN graph to a graph worth searching (pynndescent's `_init_search_graph`): the
 * raw k-NN graph is both too dense (many edges are detours through a closer neighbour) and
 * badly connected (edges point only "inwards", towards dense regions). Three steps fix both:
 *
 * 1. **Diversify** each row ({@link diversifyRow}, pynndescent's `diversify`): walking p's
 *    neighbours from the closest, drop neighbour c when some already kept neighbour r is
 *    closer to c than p is (d(c, r) < d(p, c)): the search reaches c through r anyway. This
 *    is the relative-neighbourhood rule of HNSW's neighbour heuristic (Malkov & Yashunin,
 *    Alg. 4) and Vamana's RobustPrune with α = 1. Each droppable edge is dropped with
 *    probability `diversifyProb`.
 * 2. **Reverse** the kept edges and diversify the reverse rows the same way
 *    (`diversify_csr`), then take the union with the forward rows: every point is reachable
 *    from the points it is a neighbour of, which makes the graph navigable.
 * 3. **Degree prune** (`degree_prune`): keep each point's `maxDegree =
 *    round(pruneDegreeMultiplier·K)` closest edges; self-loops are dropped.
 *
 * The result is stored in a fixed-degree layout, one block of `1 + maxDegree` ints per point,
 * count first (hnswlib's level-0 `linkLists0`), each row ascending by (distance, id).
 *
 * @module
 */
import type { DistanceComputer, Rng } from '@annlab/core';
import { sortRow } from './nn-descent.js';

/** pynndescent's `FLOAT32_EPS`: a kept neighbour at (almost) zero distance never prunes (duplicates). */
const EPS = 1.1920929e-7;

/** The search graph: a fixed-degree adjacency. */
export interface SearchGraph {
  /** Most edges per point. */
  maxDegree: number;
  /** `n × (1 + maxDegree)`: per point its edge count, then its neighbour ids. */
  links: Int32Array;
  /** Edges in total. */
  edges: number;
}

/**
 * Diversify one row: `ids`/`dist` hold the row's neighbours of point `p` at `start`, sorted
 * ascending, `len` entries (−1 ends it early). Kept entries are compacted to the front of the
 * row, in order. `guard`: a kept neighbour at internal distance ≤ EPS from p never prunes
 * (pynndescent's rule for duplicates; off for inner product, whose distances may be negative).
 * @returns the number kept.
 */
export function diversifyRow(
  dc: DistanceComputer,
  ids: Int32Array,
  dist: Float64Array,
  start: number,
  len: number,
  rng: Rng,
  prob: number,
  guard: boolean,
): number {
  let kept = 0;
  for (let j = 0; j < len; j++) {
    const c = ids[start + j];
    if (c < 0) break;
    const dc0 = dist[start + j];
    let keep = true;
    for (let t = 0; t < kept; t++) {
      const r = ids[start + t];
      if (guard && !(dist[start + t] > EPS)) continue;
      if (dc.symmetric(c, r) < dc0 && rng.nextFloat() < prob) {
        keep = false;
        break;
      }
    }
    if (keep) {
      ids[start + kept] = c;
      dist[start + kept] = dc0;
      kept++;
    }
  }
  return kept;
}

/**
 * Build the search graph from the sorted k-NN rows (`n × K`, internal distances).
 * @param guard - apply the duplicate guard of {@link diversifyRow} (not for inner product).
 */
export function buildSearchGraph(
  dc: DistanceComputer,
  knnIds: Int32Array,
  knnDist: Float64Array,
  n: number,
  K: number,
  maxDegree: number,
  prob: number,
  guard: boolean,
  rng: Rng,
): SearchGraph {
  // 1. Forward diversification, on a copy of the rows.
  const fIds = knnIds.slice();
  const fDist = knnDist.slice();
  const fCount = new Int32Array(n);
  for (let i = 0; i < n; i++) fCount[i] = prob > 0 ? diversifyRow(dc, fIds, fDist, i * K, K, rng, prob, guard) : countRow(fIds, i * K, K);

  // 2. Reverse: row j lists the points i with a kept edge i → j (CSR), sorted and diversified.
  const rStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) for (let t = 0; t < fCount[i]; t++) rStart[fIds[i * K + t] + 1]++;
  for (let j = 0; j < n; j++) rStart[j + 1] += rStart[j];
  const rIds = new Int32Array(rStart[n]);
  const rDist = new Float64Array(rStart[n]);
  const fill = rStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < fCount[i]; t++) {
      const j = fIds[i * K + t];
      const at = fill[j]++;
      rIds[at] = i;
      rDist[at] = fDist[i * K + t];
    }
  }
  const rCount = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const s = rStart[j];
    const len = rStart[j + 1] - s;
    sortRow(rIds, rDist, s, len);
    rCount[j] = prob > 0 ? diversifyRow(dc, rIds, rDist, s, len, rng, prob, guard) : len;
  }

  // 3. Union, without self-loops or repeats, then keep the maxDegree closest.
  const stride = 1 + maxDegree;
  const links = new Int32Array(n * stride);
  const mark = new Int32Array(n).fill(-1);
  let mIds = new Int32Array(K + 16);
  let mDist = new Float64Array(K + 16);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const need = fCount[i] + rCount[i];
    if (mIds.length < need) {
      mIds = new Int32Array(need);
      mDist = new Float64Array(need);
    }
    let m = 0;
    mark[i] = i;
    for (let t = 0; t < fCount[i]; t++) {
      const j = fIds[i * K + t];
      if (mark[j] === i) continue;
      mark[j] = i;
      mIds[m] = j;
      mDist[m++] = fDist[i * K + t];
    }
    for (let at = rStart[i], end = at + rCount[i]; at < end; at++) {
      const j = rIds[at];
      if (mark[j] === i) continue;
      mark[j] = i;
      mIds[m] = j;
      mDist[m++] = rDist[at];
    }
    sortRow(mIds, mDist, 0, m);
    const deg = m < maxDegree ? m : maxDegree;
    const base = i * stride;
    links[base] = deg;
    for (let t = 0; t < deg; t++) links[base + 1 + t] = mIds[t];
    edges += deg;
  }
  return { maxDegree, links, edges };
}

function countRow(ids: Int32Array, start: number, len: number): number {
  let c = 0;
  while (c < len && ids[start + c] >= 0) c++;
  return c;
}
