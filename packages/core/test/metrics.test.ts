import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dot,
  dotRef,
  internalDistanceRef,
  l2Squared,
  l2SquaredRef,
  metricPolicy,
  norm,
  normalizeInPlace,
  reportedDistance,
} from '@annlab/core';

const SEED = 20261123;
const finite = { noNaN: true, noDefaultInfinity: true, min: Math.fround(-1000), max: Math.fround(1000) } as const;

/** Two vectors of one random dimension (1..64), placed at random offsets inside larger arrays. */
const pairAtOffsets = fc.integer({ min: 1, max: 64 }).chain((dim) =>
  fc.record({
    dim: fc.constant(dim),
    aOff: fc.integer({ min: 0, max: 7 }),
    bOff: fc.integer({ min: 0, max: 7 }),
    a: fc.float32Array({ ...finite, minLength: dim + 8, maxLength: dim + 8 }),
    b: fc.float32Array({ ...finite, minLength: dim + 8, maxLength: dim + 8 }),
  }),
);

function close(x: number, y: number, scale: number): boolean {
  return Math.abs(x - y) <= 1e-9 * Math.max(1, scale);
}

describe('distance kernels', () => {
  it('unrolled l2Squared and dot equal the reference loops', () => {
    fc.assert(
      fc.property(pairAtOffsets, ({ dim, aOff, bOff, a, b }) => {
        const scale = norm(a, aOff, dim) ** 2 + norm(b, bOff, dim) ** 2;
        expect(close(l2Squared(a, aOff, b, bOff, dim), l2SquaredRef(a, aOff, b, bOff, dim), scale)).toBe(true);
        expect(close(dot(a, aOff, b, bOff, dim), dotRef(a, aOff, b, bOff, dim), scale)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('metric laws: d(x,x) = 0, symmetry, non-negativity, norm identity', () => {
    fc.assert(
      fc.property(pairAtOffsets, ({ dim, aOff, bOff, a, b }) => {
        expect(l2Squared(a, aOff, a, aOff, dim)).toBe(0);
        expect(l2Squared(a, aOff, b, bOff, dim)).toBe(l2Squared(b, bOff, a, aOff, dim));
        expect(l2Squared(a, aOff, b, bOff, dim)).toBeGreaterThanOrEqual(0);
        // ‖a − b‖² = ‖a‖² + ‖b‖² − 2⟨a, b⟩ (within rounding: this is why kernels never use it).
        const na = dotRef(a, aOff, a, aOff, dim);
        const nb = dotRef(b, bOff, b, bOff, dim);
        const expanded = na + nb - 2 * dotRef(a, aOff, b, bOff, dim);
        expect(Math.abs(expanded - l2SquaredRef(a, aOff, b, bOff, dim))).toBeLessThanOrEqual(1e-9 * (na + nb + 1));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('cosine distance is invariant to positive scaling and lies in [0, 2]', () => {
    fc.assert(
      fc.property(
        pairAtOffsets,
        fc.float({ min: Math.fround(0.01), max: Math.fround(100), noNaN: true }),
        ({ dim, aOff, bOff, a, b }, s) => {
          // Scaling a vector whose components are near float32's underflow would zero it.
          fc.pre(norm(a, aOff, dim) > 1e-3 && norm(b, bOff, dim) > 1e-3);
          const d = reportedDistance('cosine', a, aOff, b, bOff, dim);
          const scaled = a.slice();
          for (let j = 0; j < dim; j++) scaled[aOff + j] *= s;
          expect(d).toBeGreaterThanOrEqual(-1e-6);
          expect(d).toBeLessThanOrEqual(2 + 1e-6);
          expect(Math.abs(reportedDistance('cosine', scaled, aOff, b, bOff, dim) - d)).toBeLessThan(1e-4);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('normalizeInPlace gives unit vectors and leaves zero rows alone', () => {
    const x = new Float32Array([3, 4, 0, 0, 0, 0]);
    normalizeInPlace(x, 0, 2);
    expect(x[0]).toBeCloseTo(0.6, 6);
    expect(x[1]).toBeCloseTo(0.8, 6);
    normalizeInPlace(x, 2, 4);
    expect(Array.from(x.subarray(2))).toEqual([0, 0, 0, 0]);
  });

  it('policies convert internal to reported distances', () => {
    const a = new Float32Array([1, 2, 2]);
    const b = new Float32Array([0, 0, 0]);
    const l2 = metricPolicy('euclidean');
    expect(l2.toReported(internalDistanceRef(l2, a, 0, b, 0, 3))).toBe(3);
    expect(l2.toInternal(3)).toBe(9);
    const ip = metricPolicy('inner-product');
    expect(ip.toReported(internalDistanceRef(ip, a, 0, a, 0, 3))).toBe(-9);
    const cos = metricPolicy('cosine');
    expect(cos.normalize).toBe(true);
    expect(reportedDistance('cosine', a, 0, b, 0, 3)).toBe(1);
    expect(reportedDistance('euclidean', a, 0, b, 0, 3)).toBe(3);
    expect(reportedDistance('inner-product', a, 0, a, 0, 3)).toBe(-9);
  });
});
