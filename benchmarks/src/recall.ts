/**
 * Recall, computed the way ann-benchmarks does (plotting/metrics.py `knn_threshold`): the
 * harness recomputes the distance from each query to every id an algorithm returned (it
 * never trusts the algorithm's own distances), and a returned id counts as correct when
 * that distance is at most the true k-th nearest distance plus ε = 1e-3. Ties at the k-th
 * distance therefore cost nothing: any of several equally near points is a right answer.
 * Beside it, the plain id-overlap recall |returned ∩ true top-k| / k, which does punish ties.
 *
 * Deviation: ann-benchmarks counts a duplicated id twice; here each distinct id counts once,
 * so an index that repeats an id cannot gain recall from it.
 *
 * @module
 */
import type { Metric } from '@annlab/core';

/** ann-benchmarks' tolerance on the k-th distance. */
export const RECALL_EPSILON = 1e-3;

/**
 * The reported distance (see `Metric` in @annlab/core) between query row `q` and base row
 * `id`, in float64: true L2, 1 − cos, or −⟨q, x⟩. This is the harness's own reference
 * computation, the same for every algorithm.
 */
export function exactDistance(queries: Float32Array, q: number, base: Float32Array, id: number, dim: number, metric: Metric): number {
  const qo = q * dim;
  const xo = id * dim;
  if (metric === 'euclidean') {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const d = queries[qo + j] - base[xo + j];
      s += d * d;
    }
    return Math.sqrt(s);
  }
  let dot = 0;
  let qq = 0;
  let xx = 0;
  for (let j = 0; j < dim; j++) {
    const a = queries[qo + j];
    const b = base[xo + j];
    dot += a * b;
    qq += a * a;
    xx += b * b;
  }
  if (metric === 'inner-product') return -dot;
  if (qq === 0 || xx === 0) return 1;
  return 1 - dot / Math.sqrt(qq * xx);
}

/**
 * Distances from each query to the ids in its row (`nq × width`, row-major). Padding ids
 * (−1) get +Infinity.
 */
export function rowDistances(
  ids: Int32Array,
  nq: number,
  width: number,
  queries: Float32Array,
  base: Float32Array,
  dim: number,
  metric: Metric,
): Float64Array {
  const out = new Float64Array(nq * width);
  for (let q = 0; q < nq; q++) {
    for (let j = 0; j < width; j++) {
      const id = ids[q * width + j];
      out[q * width + j] = id < 0 ? Infinity : exactDistance(queries, q, base, id, dim, metric);
    }
  }
  return out;
}

/**
 * The true k-th nearest distance of every query, from ground-truth ids (`nq × gtK`, best
 * first, gtK ≥ k), recomputed with {@link exactDistance}. Recomputing (rather than trusting
 * a file's distances or order) keeps the threshold consistent with how results are scored:
 * the k-th distance is the k-th smallest of the recomputed ground-truth distances.
 */
export function kthDistances(
  gtIds: Int32Array,
  gtK: number,
  nq: number,
  k: number,
  queries: Float32Array,
  base: Float32Array,
  dim: number,
  metric: Metric,
): Float64Array {
  const d = rowDistances(gtIds, nq, gtK, queries, base, dim, metric);
  const out = new Float64Array(nq);
  const row = new Float64Array(gtK);
  for (let q = 0; q < nq; q++) {
    for (let j = 0; j < gtK; j++) row[j] = d[q * gtK + j];
    row.sort();
    out[q] = row[Math.min(k, gtK) - 1];
  }
  return out;
}

/** Per-query and mean recall. */
export interface RecallResult {
  /** Mean over queries, in [0, 1]. */
  mean: number;
  /** Recall of each query, length nq. */
  perQuery: Float64Array;
}

/**
 * ann-benchmarks' threshold recall@k: for each query, the number of distinct returned ids
 * (among the first k of its row) whose distance is ≤ `kth[q] + epsilon`, divided by k.
 *
 * @param ids - returned ids, `nq × k` row-major, −1 for padding.
 * @param distances - the harness's recomputed distances of those ids ({@link rowDistances}).
 * @param kth - the true k-th distance per query ({@link kthDistances}).
 */
export function thresholdRecall(
  ids: Int32Array,
  distances: Float64Array,
  nq: number,
  k: number,
  kth: Float64Array,
  epsilon: number = RECALL_EPSILON,
): RecallResult {
  const perQuery = new Float64Array(nq);
  const seen = new Set<number>();
  let total = 0;
  for (let q = 0; q < nq; q++) {
    seen.clear();
    const limit = kth[q] + epsilon;
    let hits = 0;
    for (let j = 0; j < k; j++) {
      const id = ids[q * k + j];
      if (id < 0 || seen.has(id)) continue;
      seen.add(id);
      if (distances[q * k + j] <= limit) hits++;
    }
    perQuery[q] = hits / k;
    total += perQuery[q];
  }
  return { mean: nq === 0 ? 0 : total / nq, perQuery };
}

/**
 * Plain id-overlap recall@k: |distinct returned ids ∩ first k ground-truth ids| / k per
 * query. Stricter than {@link thresholdRecall} when distances tie at the k-th place.
 */
export function idOverlapRecall(ids: Int32Array, nq: number, k: number, gtIds: Int32Array, gtK: number): RecallResult {
  const perQuery = new Float64Array(nq);
  const truth = new Set<number>();
  const seen = new Set<number>();
  let total = 0;
  for (let q = 0; q < nq; q++) {
    truth.clear();
    seen.clear();
    for (let j = 0; j < k && j < gtK; j++) truth.add(gtIds[q * gtK + j]);
    let hits = 0;
    for (let j = 0; j < k; j++) {
      const id = ids[q * k + j];
      if (id < 0 || seen.has(id)) continue;
      seen.add(id);
      if (truth.has(id)) hits++;
    }
    perQuery[q] = hits / k;
    total += perQuery[q];
  }
  return { mean: nq === 0 ? 0 : total / nq, perQuery };
}
