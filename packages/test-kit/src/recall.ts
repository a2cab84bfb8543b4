/**
 * Recall against the exact oracle, by ann-benchmarks' rule: a returned id counts when its
 * true distance is at most the true k-th distance + 1e-3, so ties cost no recall.
 *
 * @module
 */
import { reportedDistance, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';

/**
 * recall@k of `ids` (`nq × k`, row-major, −1 for padding) against exact search of `queries`
 * over `base` with the flat index.
 */
export function recallAgainstFlat(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number,
  ids: Int32Array,
  metric: Metric = 'euclidean',
): number {
  const flat = new FlatIndex({ dim, metric });
  flat.add(base);
  const exact = flat.search(queries, k, { oneByOne: true });
  const nq = queries.length / dim;
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const limit = exact.distances[q * k + k - 1] + 1e-3;
    for (let i = 0; i < k; i++) {
      const id = ids[q * k + i];
      if (id < 0) continue;
      if (reportedDistance(metric, queries, q * dim, base, id * dim, dim) <= limit) hits++;
    }
  }
  return hits / (nq * k);
}
