/**
 * Annoy's split heuristic: pick two random points of a node, refine them into two centroids
 * with a short online two-means, and take the hyperplane halfway between the centroids
 * (perpendicular to the line through them) as the node's split. It adapts to the data the way
 * a random-projection tree does (Dasgupta & Freund, STOC 2008) but cheaper to evaluate than
 * a full k-means: 200 random samples per node, two distances each.
 *
 * Citation: Annoy (Bernhardsson, github.com/spotify/annoy, `src/annoylib.h`: `two_means`,
 * `Euclidean::create_split`, `Angular::create_split`). Annoy's own comment calls two-means a
 * heuristic that works empirically; there is no paper. Background: S. Dasgupta and Y. Freund,
 * "Random projection trees and low dimensional manifolds", STOC 2008.
 *
 * Map from Annoy to code:
 * - `two_means` → {@link twoMeans} (two seeds, 200 steps, count-weighted centroid updates;
 *   cosine compares by angle and adds unit vectors);
 * - `Euclidean::create_split` / `Angular::create_split` → {@link createSplitInto} (normal =
 *   p − q normalised; Euclidean carries the offset −⟨n, (p + q)/2⟩, cosine none);
 * - `Minkowski::margin` → {@link marginOf} (⟨n, x⟩ + offset).
 *
 * Rows are read from a row-major `Float32Array` (`dim` per row) and, for the inner-product
 * reduction, one extra "augmented" component per row held in `extra` (see the index's module
 * doc); `treeDim` is `dim` or `dim + 1`. Centroids are accumulated in float64.
 *
 * @module
 */
import { dot, type Rng } from '@annlab/core';

/** Samples drawn to refine the two centroids (Annoy's `iteration_steps`). */
export const TWO_MEANS_STEPS = 200;

/**
 * Copy row `id` (plus its augmented component when `extra` is non-empty) into `out`
 * (length ≥ treeDim), as float64.
 */
function loadRow(data: Float32Array, dim: number, extra: Float32Array, id: number, out: Float64Array): void {
  const off = id * dim;
  for (let z = 0; z < dim; z++) out[z] = data[off + z];
  if (extra.length > 0) out[dim] = extra[id];
}

function normalize64(v: Float64Array, n: number): void {
  let s = 0;
  for (let z = 0; z < n; z++) s += v[z] * v[z];
  if (!(s > 0)) return;
  const inv = 1 / Math.sqrt(s);
  for (let z = 0; z < n; z++) v[z] *= inv;
}

/**
 * Squared L2 between a float64 centroid and row `id` (Euclidean two-means), or, with
 * `cosine`, `1 − ⟨p, x⟩ / ‖p‖` for a unit row x (an angle measure that ignores the
 * centroid's length, like Annoy's `Angular::distance`).
 */
function centroidDistance(p: Float64Array, data: Float32Array, dim: number, extra: Float32Array, id: number, cosine: boolean): number {
  const off = id * dim;
  if (cosine) {
    let pp = 0;
    let px = 0;
    for (let z = 0; z < dim; z++) {
      const a = p[z];
      pp += a * a;
      px += a * data[off + z];
    }
    return pp > 0 ? 1 - px / Math.sqrt(pp) : 1;
  }
  let s = 0;
  for (let z = 0; z < dim; z++) {
    const d = p[z] - data[off + z];
    s += d * d;
  }
  if (extra.length > 0) {
    const d = p[dim] - extra[id];
    s += d * d;
  }
  return s;
}

/**
 * Annoy's `two_means`: two centroids `p`, `q` (each length ≥ treeDim) for the rows
 * `items[lo .. hi)` (at least two of them).
 *
 * Start from two distinct random rows; then, 200 times, draw a random row and move the
 * nearer centroid towards it, weighting the centroid by the number of rows it has absorbed
 * (so it converges to that cluster's mean). Distances are scaled by those counts, as Annoy
 * does, which keeps one centroid from swallowing everything early. With `cosine`, centroids
 * start normalised, rows are unit vectors and an all-zero row is skipped.
 */
export function twoMeans(
  data: Float32Array,
  dim: number,
  extra: Float32Array,
  items: Int32Array,
  lo: number,
  hi: number,
  rng: Rng,
  cosine: boolean,
  p: Float64Array,
  q: Float64Array,
): void {
  const count = hi - lo;
  const treeDim = extra.length > 0 ? dim + 1 : dim;
  const i = rng.nextInt(count);
  let j = rng.nextInt(count - 1);
  if (j >= i) j++;
  loadRow(data, dim, extra, items[lo + i], p);
  loadRow(data, dim, extra, items[lo + j], q);
  if (cosine) {
    normalize64(p, treeDim);
    normalize64(q, treeDim);
  }
  let ic = 1;
  let jc = 1;
  for (let l = 0; l < TWO_MEANS_STEPS; l++) {
    const id = items[lo + rng.nextInt(count)];
    const di = ic * centroidDistance(p, data, dim, extra, id, cosine);
    const dj = jc * centroidDistance(q, data, dim, extra, id, cosine);
    const off = id * dim;
    let scale = 1;
    if (cosine) {
      // Stored cosine rows are unit length already; an all-zero row carries no direction.
      const nrm = Math.sqrt(dot(data, off, data, off, dim));
      if (!(nrm > 0)) continue;
      scale = 1 / nrm;
    }
    if (di < dj) {
      const w = 1 / (ic + 1);
      for (let z = 0; z < dim; z++) p[z] = (p[z] * ic + data[off + z] * scale) * w;
      if (treeDim > dim) p[dim] = (p[dim] * ic + extra[id]) * w;
      ic++;
    } else if (dj < di) {
      const w = 1 / (jc + 1);
      for (let z = 0; z < dim; z++) q[z] = (q[z] * jc + data[off + z] * scale) * w;
      if (treeDim > dim) q[dim] = (q[dim] * jc + extra[id]) * w;
      jc++;
    }
  }
}

/**
 * Write the hyperplane between centroids `p` and `q` into `normals[nOff .. nOff + treeDim)`
 * (float32, unit length, or all zero when p = q) and return its offset: `−⟨n, (p + q)/2⟩`
 * for Euclidean splits (the plane passes through the midpoint), 0 with `cosine` (planes
 * through the origin, Annoy's `Angular`). The offset is computed from the stored float32
 * normal so that {@link marginOf} is exactly zero at the midpoint's projection.
 */
export function createSplitInto(
  p: Float64Array,
  q: Float64Array,
  treeDim: number,
  cosine: boolean,
  normals: Float32Array,
  nOff: number,
): number {
  let s = 0;
  for (let z = 0; z < treeDim; z++) {
    const d = p[z] - q[z];
    s += d * d;
  }
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let z = 0; z < treeDim; z++) normals[nOff + z] = (p[z] - q[z]) * inv;
  if (cosine) return 0;
  let a = 0;
  for (let z = 0; z < treeDim; z++) a -= normals[nOff + z] * (p[z] + q[z]) * 0.5;
  return a;
}

/**
 * Signed distance of row `id` to a split plane: `⟨n, x⟩ + offset` (with the augmented
 * component when `extra` is non-empty). Positive goes to child 1, negative to child 0.
 * Build, insertion and deletion all route through this one function, so an item's side is
 * recomputed bit-for-bit.
 */
export function marginOf(
  normals: Float32Array,
  nOff: number,
  offset: number,
  data: Float32Array,
  dim: number,
  extra: Float32Array,
  id: number,
): number {
  let m = dot(normals, nOff, data, id * dim, dim) + offset;
  if (extra.length > 0) m += normals[nOff + dim] * extra[id];
  return m;
}
