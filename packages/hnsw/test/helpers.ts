import { Rng, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';

/**
 * Seeded clustered data with low intrinsic dimension (FAISS SyntheticDataset spirit):
 * `clusters` Gaussian blobs around random centres, each point = centre + noise.
 */
export function clustered(n: number, dim: number, clusters: number, seed: number, spread = 0.15): Float32Array {
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

/** Base and query sets drawn from the same clusters (the queries are held-out points). */
export function clusteredSplit(
  n: number, nq: number, dim: number, clusters: number, seed: number, spread = 0.15,
): { base: Float32Array; queries: Float32Array } {
  const all = clustered(n + nq, dim, clusters, seed, spread);
  return { base: all.slice(0, n * dim), queries: all.slice(n * dim) };
}

/** ann-benchmarks recall@k of `ids` (nq × k) against exact search on `base`. */
export function recallAgainstFlat(
  base: Float32Array, queries: Float32Array, dim: number, k: number, ids: Int32Array, metric: Metric = 'euclidean',
): number {
  const flat = new FlatIndex({ dim, metric });
  flat.add(base);
  const nq = queries.length / dim;
  const exact = flat.search(queries, k, { oneByOne: true });
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const limit = exact.distances[q * k + k - 1] + 1e-3;
    for (let i = 0; i < k; i++) {
      const id = ids[q * k + i];
      if (id < 0) continue;
      const d = distanceTo(base, id, queries, q, dim, metric);
      if (d <= limit) hits++;
    }
  }
  return hits / (nq * k);
}

function distanceTo(base: Float32Array, id: number, queries: Float32Array, q: number, dim: number, metric: Metric): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let j = 0; j < dim; j++) {
    const a = base[id * dim + j];
    const b = queries[q * dim + j];
    dot += a * b;
    na += a * a;
    nb += b * b;
    l2 += (a - b) * (a - b);
  }
  if (metric === 'euclidean') return Math.sqrt(l2);
  if (metric === 'inner-product') return -dot;
  return na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
}
