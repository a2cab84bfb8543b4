/**
 * One-to-many and many-to-many kernels: the loops the indexes actually spend their time in.
 *
 * - `…Range`: one query against a contiguous range of rows (flat scans, IVF list scans).
 * - `…Ids`: one query against a list of row ids (one call per graph expansion in HNSW,
 *   per leaf in a forest).
 * - `…Tile`: a block of queries against a block of rows, register-blocked 4 queries × 2 rows
 *   so each loaded component is used four (or two) times. This is where batch search and
 *   k-means assignment get their speed: a base row is read from memory once per block of
 *   queries instead of once per query.
 *
 * All write internal distances (see `metrics.ts`) into a `Float64Array` at an offset and
 * allocate nothing. Each has an obvious equivalent built from the single-pair reference
 * kernels, and the tests hold them to it.
 *
 * @module
 */
import { dot, l2Squared } from './metrics.js';

/** `out[outOff + r] = ‖q − row(start + r)‖²` for r in [0, count). */
export function l2SquaredRange(
  q: Float32Array,
  qOff: number,
  data: Float32Array,
  start: number,
  count: number,
  dim: number,
  out: Float64Array,
  outOff: number,
): void {
  let off = start * dim;
  for (let r = 0; r < count; r++, off += dim) out[outOff + r] = l2Squared(q, qOff, data, off, dim);
}

/** `out[outOff + r] = bias − ⟨q, row(start + r)⟩` for r in [0, count). */
export function dotRange(
  q: Float32Array,
  qOff: number,
  data: Float32Array,
  start: number,
  count: number,
  dim: number,
  bias: number,
  out: Float64Array,
  outOff: number,
): void {
  let off = start * dim;
  for (let r = 0; r < count; r++, off += dim) out[outOff + r] = bias - dot(q, qOff, data, off, dim);
}

/** `out[outOff + r] = ‖q − row(ids[idsOff + r])‖²` for r in [0, count). */
export function l2SquaredIds(
  q: Float32Array,
  qOff: number,
  data: Float32Array,
  ids: Int32Array,
  idsOff: number,
  count: number,
  dim: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < count; r++) out[outOff + r] = l2Squared(q, qOff, data, ids[idsOff + r] * dim, dim);
}

/** `out[outOff + r] = bias − ⟨q, row(ids[idsOff + r])⟩` for r in [0, count). */
export function dotIds(
  q: Float32Array,
  qOff: number,
  data: Float32Array,
  ids: Int32Array,
  idsOff: number,
  count: number,
  dim: number,
  bias: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < count; r++) out[outOff + r] = bias - dot(q, qOff, data, ids[idsOff + r] * dim, dim);
}

/**
 * Squared L2 between `nq` queries (rows of `queries` from `qStart`) and `count` rows of
 * `data` (from `start`): `out[qi * count + r]`, row-major nq × count.
 *
 * Register-blocked 4 queries × 2 rows: each inner step loads 6 values and does 8
 * subtract-multiply-adds, against 2 loads per 1 in the plain loop. Edges fall back to the
 * single-pair kernel.
 */
export function l2SquaredTile(
  queries: Float32Array,
  qStart: number,
  nq: number,
  data: Float32Array,
  start: number,
  count: number,
  dim: number,
  out: Float64Array,
): void {
  const nq4 = nq & ~3;
  const count2 = count & ~1;
  for (let qi = 0; qi < nq4; qi += 4) {
    const a0 = (qStart + qi) * dim;
    const a1 = a0 + dim;
    const a2 = a1 + dim;
    const a3 = a2 + dim;
    const o0 = qi * count;
    const o1 = o0 + count;
    const o2 = o1 + count;
    const o3 = o2 + count;
    for (let r = 0; r < count2; r += 2) {
      const b0 = (start + r) * dim;
      const b1 = b0 + dim;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let j = 0; j < dim; j++) {
        const x0 = data[b0 + j];
        const x1 = data[b1 + j];
        const q0 = queries[a0 + j];
        const q1 = queries[a1 + j];
        const q2 = queries[a2 + j];
        const q3 = queries[a3 + j];
        let d = q0 - x0;
        s00 += d * d;
        d = q0 - x1;
        s01 += d * d;
        d = q1 - x0;
        s10 += d * d;
        d = q1 - x1;
        s11 += d * d;
        d = q2 - x0;
        s20 += d * d;
        d = q2 - x1;
        s21 += d * d;
        d = q3 - x0;
        s30 += d * d;
        d = q3 - x1;
        s31 += d * d;
      }
      out[o0 + r] = s00;
      out[o0 + r + 1] = s01;
      out[o1 + r] = s10;
      out[o1 + r + 1] = s11;
      out[o2 + r] = s20;
      out[o2 + r + 1] = s21;
      out[o3 + r] = s30;
      out[o3 + r + 1] = s31;
    }
    if (count2 < count) {
      const b = (start + count2) * dim;
      out[o0 + count2] = l2Squared(queries, a0, data, b, dim);
      out[o1 + count2] = l2Squared(queries, a1, data, b, dim);
      out[o2 + count2] = l2Squared(queries, a2, data, b, dim);
      out[o3 + count2] = l2Squared(queries, a3, data, b, dim);
    }
  }
  for (let qi = nq4; qi < nq; qi++) {
    l2SquaredRange(queries, (qStart + qi) * dim, data, start, count, dim, out, qi * count);
  }
}

/**
 * `bias − ⟨query, row⟩` between `nq` queries and `count` rows: `out[qi * count + r]`,
 * register-blocked 4 × 2 like {@link l2SquaredTile}.
 */
export function dotTile(
  queries: Float32Array,
  qStart: number,
  nq: number,
  data: Float32Array,
  start: number,
  count: number,
  dim: number,
  bias: number,
  out: Float64Array,
): void {
  const nq4 = nq & ~3;
  const count2 = count & ~1;
  for (let qi = 0; qi < nq4; qi += 4) {
    const a0 = (qStart + qi) * dim;
    const a1 = a0 + dim;
    const a2 = a1 + dim;
    const a3 = a2 + dim;
    const o0 = qi * count;
    const o1 = o0 + count;
    const o2 = o1 + count;
    const o3 = o2 + count;
    for (let r = 0; r < count2; r += 2) {
      const b0 = (start + r) * dim;
      const b1 = b0 + dim;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let j = 0; j < dim; j++) {
        const x0 = data[b0 + j];
        const x1 = data[b1 + j];
        const q0 = queries[a0 + j];
        const q1 = queries[a1 + j];
        const q2 = queries[a2 + j];
        const q3 = queries[a3 + j];
        s00 += q0 * x0;
        s01 += q0 * x1;
        s10 += q1 * x0;
        s11 += q1 * x1;
        s20 += q2 * x0;
        s21 += q2 * x1;
        s30 += q3 * x0;
        s31 += q3 * x1;
      }
      out[o0 + r] = bias - s00;
      out[o0 + r + 1] = bias - s01;
      out[o1 + r] = bias - s10;
      out[o1 + r + 1] = bias - s11;
      out[o2 + r] = bias - s20;
      out[o2 + r + 1] = bias - s21;
      out[o3 + r] = bias - s30;
      out[o3 + r + 1] = bias - s31;
    }
    if (count2 < count) {
      const b = (start + count2) * dim;
      out[o0 + count2] = bias - dot(queries, a0, data, b, dim);
      out[o1 + count2] = bias - dot(queries, a1, data, b, dim);
      out[o2 + count2] = bias - dot(queries, a2, data, b, dim);
      out[o3 + count2] = bias - dot(queries, a3, data, b, dim);
    }
  }
  for (let qi = nq4; qi < nq; qi++) {
    dotRange(queries, (qStart + qi) * dim, data, start, count, dim, bias, out, qi * count);
  }
}
