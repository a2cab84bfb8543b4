import { Rng, reportedDistance, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';

/**
 * Seeded clustered data with low intrinsic dimension (FAISS SyntheticDataset spirit):
 * `clusters` Gaussian blobs around random centres, each point = centre + noise.
 */
export function clustered(n: number, dim: number, clusters: number, seed: number, spread = 0.3): Float32Array {
  const rng = new Rng(seed);
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.nextGaussian();
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(clusters);
    for (let j = 0; j < dim; j++) out[i * dim + j] = centres[c * dim + j] + spread * rng.nextGaussian();
  }
  return out;
}

/** Base and held-out queries drawn from the same clusters. */
export function clusteredSplit(
  n: number, nq: number, dim: number, clusters: number, seed: number, spread = 0.3,
): { base: Float32Array; queries: Float32Array } {
  const all = clustered(n + nq, dim, clusters, seed, spread);
  return { base: all.slice(0, n * dim), queries: all.slice(n * dim) };
}

/**
 * ann-benchmarks recall@k: a returned id counts when its true distance is at most the
 * exact k-th distance + 1e-3 (exact answers from FlatIndex). `live` restricts the oracle
 * to the ids that are still in the index (after deletes).
 */
export function recallAgainstFlat(
  base: Float32Array, queries: Float32Array, dim: number, k: number, ids: Int32Array, metric: Metric = 'euclidean',
  live?: (id: number) => boolean,
): number {
  const n = base.length / dim;
  let oracleBase = base;
  let map: Int32Array | null = null;
  if (live !== undefined) {
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (live(i)) keep.push(i);
    oracleBase = new Float32Array(keep.length * dim);
    keep.forEach((id, r) => oracleBase.set(base.subarray(id * dim, (id + 1) * dim), r * dim));
    map = Int32Array.from(keep);
  }
  const flat = new FlatIndex({ dim, metric });
  flat.add(oracleBase);
  const nq = queries.length / dim;
  const exact = flat.search(queries, k, { oneByOne: true });
  let hits = 0;
  let wanted = 0;
  for (let q = 0; q < nq; q++) {
    const limit = exact.distances[q * k + k - 1] + 1e-3;
    for (let i = 0; i < k; i++) {
      if (exact.ids[q * k + i] >= 0) wanted++;
      const id = ids[q * k + i];
      if (id < 0) continue;
      if (map !== null && !live!(id)) continue;
      if (reportedDistance(metric, base, id * dim, queries, q * dim, dim) <= limit) hits++;
    }
  }
  void map;
  return hits / wanted;
}
