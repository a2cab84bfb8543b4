import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AnnlabError,
  MAX_ABS_COMPONENT,
  MIN_ROW_SCALE,
  SearchStats,
  asCorruptData,
  checkId,
  checkSearchParams,
  checkVectors,
} from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { expectCode } from '@annlab/test-kit';

describe('checkVectors: the float32 distance range', () => {
  it('accepts the bounds and zero rows, refuses beyond them with NON_FINITE', () => {
    expect(checkVectors(new Float32Array([MAX_ABS_COMPONENT, -1, 0]), 3)).toBe(1);
    expect(checkVectors(new Float32Array([0, 0, 0, Math.fround(MIN_ROW_SCALE) * 2, 0, 0]), 3)).toBe(2);
    const big = expectCode(() => checkVectors(new Float32Array([1, 2, 3, 0, -1e19, 0]), 3), 'NON_FINITE');
    expect(big.message).toMatch(/row 1/);
    expect(big.message).toMatch(/Rescale/);
    expectCode(() => checkVectors(new Float32Array([1e-25, -1e-25, 0]), 3), 'NON_FINITE');
    // A tiny component inside a normal row is harmless and accepted.
    expect(checkVectors(new Float32Array([1, 1e-30, 0]), 3)).toBe(1);
  });

  it('a flat index never returns padding or non-finite distances for accepted data, on either backend', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 25, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (exp10, seed) => {
        const scale = 10 ** exp10;
        const dim = 8;
        const n = 70;
        const x = new Float32Array(n * dim);
        let s = seed + 1;
        for (let i = 0; i < x.length; i++) {
          s = (s * 1103515245 + 12345) % 2147483648;
          x[i] = (s / 2147483648 - 0.5) * scale;
        }
        for (const kernels of ['js', 'simd'] as const) {
          for (const metric of ['euclidean', 'inner-product'] as const) {
            let flat: FlatIndex;
            try {
              flat = new FlatIndex({ dim, metric, kernels });
              flat.add(x);
            } catch (e) {
              // Refused rows are refused with the typed error, never accepted and answered wrongly.
              expect((e as AnnlabError).code).toBe('NON_FINITE');
              return;
            }
            const r = flat.search(x.slice(0, 4 * dim), 10);
            for (let i = 0; i < r.ids.length; i++) {
              expect(r.ids[i]).toBeGreaterThanOrEqual(0);
              expect(Number.isFinite(r.distances[i])).toBe(true);
            }
            if (metric === 'euclidean') for (let q = 0; q < 4; q++) expect(r.ids[q * 10]).toBe(q);
          }
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe('checkSearchParams, checkId, asCorruptData', () => {
  it('takes undefined as none and returns known keys as given', () => {
    expect(checkSearchParams(undefined, ['nprobe', 'stats'], 'X.search params')).toEqual({});
    const stats = new SearchStats();
    expect(checkSearchParams({ nprobe: 3, stats }, ['nprobe', 'stats'], 'X.search params')).toEqual({ nprobe: 3, stats });
  });

  it('refuses null, non-objects, misspelled keys and plain-object stats', () => {
    for (const bad of [null, 'nprobe=8', 8, [1]])
      expectCode(() => checkSearchParams(bad, ['nprobe', 'stats'], 'X.search params'), 'INVALID_PARAMETER');
    const typo = expectCode(() => checkSearchParams({ nprob: 8 }, ['nprobe', 'stats'], 'X.search params'), 'INVALID_PARAMETER');
    expect(typo.message).toMatch(/nprob/);
    expect(typo.message).toMatch(/nprobe/);
    expectCode(() => checkSearchParams({ stats: { distanceComputations: 0 } }, ['stats'], 'X'), 'INVALID_PARAMETER');
  });

  it('checks ids against the id count', () => {
    expect(checkId(0, 1)).toBe(0);
    for (const bad of [-1, 1, 0.5, '0', null]) expectCode(() => checkId(bad, 1), 'INVALID_PARAMETER');
    expect(expectCode(() => checkId(0, 0), 'INVALID_PARAMETER').message).toMatch(/no ids/);
  });

  it('turns parameter errors from a file into CORRUPT_DATA and passes others through', () => {
    const e = expectCode(
      () =>
        asCorruptData('test file', () => {
          throw new AnnlabError('INVALID_PARAMETER', 'M must be ≥ 2');
        }),
      'CORRUPT_DATA',
    );
    expect(e.message).toMatch(/test file has invalid parameters: M must be/);
    expectCode(
      () =>
        asCorruptData('test file', () => {
          throw new AnnlabError('IO', 'x');
        }),
      'IO',
    );
    expect(asCorruptData('f', () => 5)).toBe(5);
  });
});
