/**
 * Distance kernels over `Float32Array` rows addressed by integer offsets, and the metric
 * policies that map each {@link Metric} onto them.
 *
 * Inside every index one convention holds: **smaller is closer**.
 *
 * | metric          | internal value            | reported value     |
 * |-----------------|---------------------------|--------------------|
 * | `euclidean`     | ‖q − x‖² (`l2Squared`)    | √internal          |
 * | `cosine`        | 1 − ⟨q̂, x̂⟩ (unit vectors)  | internal           |
 * | `inner-product` | −⟨q, x⟩                   | internal           |
 *
 * so one heap type serves all three, and the square root is taken only on output (Annoy's
 * `normalized_distance`, pynndescent's "fast distance alternatives").
 *
 * Each kernel has a plain reference loop (`…Ref`, the readable definition) and an unrolled
 * version with four independent accumulators, which breaks the floating-point add
 * dependency chain so V8's optimising compiler can keep several multiplies in flight. The
 * two are tested against each other. Values are stored as float32 and accumulated as JS
 * numbers (float64), so results are at least as accurate as a float32 BLAS.
 *
 * Exact L2 is never computed through ‖q‖² + ‖x‖² − 2⟨q,x⟩: that expansion cancels
 * catastrophically for nearby points (Annoy issue #314). It is used only where it buys a
 * precomputed table (IVF-PQ), and said so there.
 *
 * @module
 */
import type { Metric } from './types.js';

/** Reference squared L2 distance between `a[aOff..aOff+dim)` and `b[bOff..bOff+dim)`. */
export function l2SquaredRef(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[aOff + j] - b[bOff + j];
    sum += d * d;
  }
  return sum;
}

/** Reference inner product ⟨a, b⟩ of two rows. */
export function dotRef(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += a[aOff + j] * b[bOff + j];
  return sum;
}

/** Squared L2 distance, unrolled by four with independent accumulators (see module doc). */
export function l2Squared(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end4 = aOff + (dim & ~3);
  let i = aOff;
  let j = bOff;
  for (; i < end4; i += 4, j += 4) {
    const d0 = a[i] - b[j];
    const d1 = a[i + 1] - b[j + 1];
    const d2 = a[i + 2] - b[j + 2];
    const d3 = a[i + 3] - b[j + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  const end = aOff + dim;
  for (; i < end; i++, j++) {
    const d = a[i] - b[j];
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}

/** Inner product, unrolled by four with independent accumulators (see module doc). */
export function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end4 = aOff + (dim & ~3);
  let i = aOff;
  let j = bOff;
  for (; i < end4; i += 4, j += 4) {
    s0 += a[i] * b[j];
    s1 += a[i + 1] * b[j + 1];
    s2 += a[i + 2] * b[j + 2];
    s3 += a[i + 3] * b[j + 3];
  }
  const end = aOff + dim;
  for (; i < end; i++, j++) s0 += a[i] * b[j];
  return s0 + s1 + (s2 + s3);
}

/** Euclidean norm ‖a‖ of one row. */
export function norm(a: Float32Array, aOff: number, dim: number): number {
  return Math.sqrt(dotRef(a, aOff, a, aOff, dim));
}

/**
 * Scale `a[off..off+dim)` to unit length in place. An all-zero row is left as zero (its
 * cosine distance to anything is then 1).
 */
export function normalizeInPlace(a: Float32Array, off: number, dim: number): void {
  const n = norm(a, off, dim);
  if (n === 0) return;
  const inv = 1 / n;
  for (let j = off, end = off + dim; j < end; j++) a[j] *= inv;
}

/** Which kernel a metric runs on inside an index. */
export type KernelKind = 'l2' | 'dot';

/**
 * How a {@link Metric} maps onto the kernels: chosen once when an index is built and held in
 * a field (hnswlib's `fstdistfunc_`, Annoy's metric policy structs).
 */
export interface MetricPolicy {
  /** The user-facing metric. */
  readonly metric: Metric;
  /** `'l2'`: internal value is squared L2. `'dot'`: internal value is `bias − ⟨q, x⟩`. */
  readonly kind: KernelKind;
  /** For `'dot'` kernels: 1 for cosine (1 − cos), 0 for inner product (−dot). */
  readonly bias: number;
  /** Whether stored vectors and queries are scaled to unit length first (cosine). */
  readonly normalize: boolean;
  /** Convert an internal distance to the reported one (√ for Euclidean). */
  toReported(internal: number): number;
  /** Convert a reported distance back to the internal scale. */
  toInternal(reported: number): number;
}

function sqrtClamped(x: number): number {
  return x > 0 ? Math.sqrt(x) : 0;
}
function identity(x: number): number {
  return x;
}
function square(x: number): number {
  return x * x;
}

const POLICIES: Record<Metric, MetricPolicy> = {
  euclidean: { metric: 'euclidean', kind: 'l2', bias: 0, normalize: false, toReported: sqrtClamped, toInternal: square },
  cosine: { metric: 'cosine', kind: 'dot', bias: 1, normalize: true, toReported: identity, toInternal: identity },
  'inner-product': { metric: 'inner-product', kind: 'dot', bias: 0, normalize: false, toReported: identity, toInternal: identity },
};

/** The policy for a metric (shared, immutable objects). */
export function metricPolicy(metric: Metric): MetricPolicy {
  return POLICIES[metric];
}

/**
 * Internal distance between two rows under a policy, with the reference kernels: the
 * readable definition the fast paths are tested against. Rows must already be normalised
 * for cosine.
 */
export function internalDistanceRef(
  policy: MetricPolicy,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  dim: number,
): number {
  return policy.kind === 'l2' ? l2SquaredRef(a, aOff, b, bOff, dim) : policy.bias - dotRef(a, aOff, b, bOff, dim);
}

/**
 * Reported distance between two raw (un-normalised) vectors, computed the slow, obvious way:
 * for tests and for checking results from outside an index.
 */
export function reportedDistance(metric: Metric, a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  switch (metric) {
    case 'euclidean':
      return Math.sqrt(l2SquaredRef(a, aOff, b, bOff, dim));
    case 'inner-product':
      return -dotRef(a, aOff, b, bOff, dim);
    case 'cosine': {
      const na = norm(a, aOff, dim);
      const nb = norm(b, bOff, dim);
      if (na === 0 || nb === 0) return 1;
      return 1 - dotRef(a, aOff, b, bOff, dim) / (na * nb);
    }
  }
}
