import { Rng, reportedDistance, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';

/** `n` points around `clusters` Gaussian centres in `dim` dimensions (low intrinsic spread). */
export function clustered(n: number, dim: number, clusters: number, seed: number, spread = 0.3): Float32Array {
  const rng = new Rng(seed);
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.nextGaussian() * 2;
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(clusters);
    for (let j = 0; j < dim; j++) x[i * dim + j] = centres[c * dim + j] + rng.nextGaussian() * spread;
  }
  return x;
}

/** ann-benchmarks recall@k: a returned id counts when its true distance ≤ the true k-th distance + 1e-3. */
export function recallAt(
  base: Float32Array, queries: Float32Array, dim: number, metric: Metric, k: number, ids: Int32Array,
): number {
  const flat = new FlatIndex({ dim, metric });
  flat.add(base);
  const gt = flat.search(queries, k, { oneByOne: true });
  const nq = queries.length / dim;
  let hit = 0;
  for (let q = 0; q < nq; q++) {
    const kth = gt.distances[q * k + k - 1];
    for (let i = 0; i < k; i++) {
      const id = ids[q * k + i];
      if (id < 0) continue;
      if (reportedDistance(metric, queries, q * dim, base, id * dim, dim) <= kth + 1e-3) hit++;
    }
  }
  return hit / (nq * k);
}
