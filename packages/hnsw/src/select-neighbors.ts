/**
 * Neighbour selection of Malkov & Yashunin (IEEE TPAMI 42(4), 2020, arXiv:1603.09320): given
 * the candidates a layer search found for a base node, sorted by distance to it, choose the
 * at most `m` nodes it links to.
 *
 * Paper step → code:
 * - Alg. 3 SELECT-NEIGHBORS-SIMPLE → {@link selectNeighborsSimple}: the m closest.
 * - Alg. 4 SELECT-NEIGHBORS-HEURISTIC → {@link selectNeighborsHeuristic}: keep a candidate
 *   only when no kept neighbour is strictly closer to it than the base is, which keeps links
 *   in different directions, so clusters stay connected (the default).
 * - {@link selectNeighbors} dispatches on the index's `neighborSelection`.
 *
 * Deviations (hnswlib's choices): the heuristic drops e only when some kept r has
 * d(e, r) < d(e, base) strictly (the paper keeps e only when it is strictly closer to the
 * base; they differ on ties, which exact duplicates produce); with fewer than m candidates all
 * are kept; `extendCandidates` and `keepPrunedConnections` are not implemented (both off in
 * hnswlib). Copies of the base (exact duplicates, hnswlib #263) take at most ⌊m/2⌋ slots and
 * never block another candidate.
 *
 * @module
 */
import type { HnswState } from './hnsw-state.js';

/**
 * Insertion sort of `ids`/`dist[0, n)` ascending by distance, ties by larger id first (the
 * order the insert-time layer search produces); n is at most a few hundred.
 */
export function sortByDistance(ids: Int32Array, dist: Float64Array, n: number): void {
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

/** Dispatch to Alg. 4 or Alg. 3 per the index's `neighborSelection`. @returns the number written to `out`. */
export function selectNeighbors(
  s: HnswState,
  base: number,
  ids: Int32Array,
  dist: Float64Array,
  count: number,
  m: number,
  out: Int32Array,
): number {
  return s.neighborSelection === 'heuristic'
    ? selectNeighborsHeuristic(s, base, ids, dist, count, m, out)
    : selectNeighborsSimple(base, ids, count, m, out);
}

/**
 * Alg. 3 SELECT-NEIGHBORS-SIMPLE: the `m` closest candidates other than `base`. `ids` holds
 * `count` candidates sorted ascending by distance to `base`.
 * @returns the number written to `out`.
 */
export function selectNeighborsSimple(base: number, ids: Int32Array, count: number, m: number, out: Int32Array): number {
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
 * newest (largest id) first. Duplicates of `base` (distance ≤ `s.dupEps`) are capped at
 * ⌊m/2⌋ and do not block other candidates. With fewer than `m` candidates all are kept
 * (hnswlib). d(e, r) is measured with `s.dc.symmetric`, which does not depend on the query.
 * @returns the number written to `out`.
 */
export function selectNeighborsHeuristic(
  s: HnswState,
  base: number,
  ids: Int32Array,
  dist: Float64Array,
  count: number,
  m: number,
  out: Int32Array,
): number {
  if (count < m) return selectNeighborsSimple(base, ids, count, m, out);
  const dupEps = s.dupEps;
  let z = 0;
  while (z < count && dist[z] <= dupEps) z++;
  const maxDups = Math.max(1, m >> 1);
  const dc = s.dc;
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
