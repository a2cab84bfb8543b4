import { reportedDistance, type Metric } from '@annlab/core';

/** The obvious brute force: every distance (reference kernels), sorted by (distance, id), first k. */
export function bruteForce(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  metric: Metric,
  k: number,
): { ids: number[][]; dists: number[][] } {
  const n = base.length / dim;
  const nq = queries.length / dim;
  const ids: number[][] = [];
  const dists: number[][] = [];
  for (let q = 0; q < nq; q++) {
    const all: [number, number][] = [];
    for (let i = 0; i < n; i++) all.push([reportedDistance(metric, queries, q * dim, base, i * dim, dim), i]);
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const top = all.slice(0, k);
    ids.push(top.map((p) => p[1]));
    dists.push(top.map((p) => p[0]));
  }
  return { ids, dists };
}

/** Deterministic pseudo-random float32 values in [-scale, scale). */
export function seeded(len: number, seed: number, scale: number = 1): Float32Array {
  const out = new Float32Array(len);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = Math.fround((((s >>> 0) / 2 ** 32) * 2 - 1) * scale);
  }
  return out;
}
