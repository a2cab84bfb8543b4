/**
 * fast-check arbitraries for the packages' property tests: small row-major batches whose
 * values collide often (ties, duplicate rows, all-zero rows, dim 1), the corner cases
 * pynndescent's tests single out.
 *
 * @module
 */
import fc from 'fast-check';

/** A batch of 1 to `maxRows` rows × `dim` float32 values in [-8, 8], steps of 2 (duplicates and zero rows arise often at this size). */
export function floatBatch(dim: number, maxRows: number): fc.Arbitrary<Float32Array> {
  return fc
    .array(fc.integer({ min: -4, max: 4 }), { minLength: dim, maxLength: dim * maxRows })
    .map((xs) => Float32Array.from(xs.slice(0, xs.length - (xs.length % dim)), (v) => v * 2));
}

/** Bounds of {@link cornerCaseData}. */
export interface CornerCaseOptions {
  /**
   * Most rows.
   * @defaultValue 60
   */
  readonly maxN?: number;
  /**
   * Most components per row.
   * @defaultValue 6
   */
  readonly maxDim?: number;
}

/**
 * `n × dim` vectors (n ≥ 1, dim ≥ 1) of halves of integers in [-10, 10], with up to 5
 * rows copied over others and up to 3 rows zeroed.
 */
export function cornerCaseData(options: CornerCaseOptions = {}): fc.Arbitrary<{ n: number; dim: number; x: Float32Array }> {
  return fc
    .record({ n: fc.integer({ min: 1, max: options.maxN ?? 60 }), dim: fc.integer({ min: 1, max: options.maxDim ?? 6 }) })
    .chain(({ n, dim }) =>
      fc.record({
        n: fc.constant(n),
        dim: fc.constant(dim),
        // Halves of small integers: inside the range add() accepts, and ties are common.
        x: fc
          .array(fc.integer({ min: -20, max: 20 }), { minLength: n * dim, maxLength: n * dim })
          .map((a) => Float32Array.from(a, (v) => v / 2)),
        dups: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 5 }),
        zeros: fc.array(fc.nat(n - 1), { maxLength: 3 }),
      }),
    )
    .map(({ n, dim, x, dups, zeros }) => {
      for (const [a, b] of dups) x.copyWithin(a * dim, b * dim, b * dim + dim);
      for (const z of zeros) x.fill(0, z * dim, z * dim + dim);
      return { n, dim, x };
    });
}
