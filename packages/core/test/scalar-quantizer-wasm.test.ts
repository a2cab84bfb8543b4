import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  METRICS,
  Rng,
  SQ_KERNELS_SOURCE_SHA256,
  ScalarQuantizer,
  SqCodes,
  SqDistanceComputer,
  metricPolicy,
  simdSupported,
  sqKernelBytes,
} from '@annlab/core';
import { compileSqKernels } from '../scripts/build-wasm.mjs';

const FIX = 'run `pnpm --filter @annlab/core build:wasm` to regenerate src/wasm/sq-kernels-wasm.generated.ts';

describe('embedded scalar-quantizer kernel bytes', () => {
  it('were compiled from the current assembly/sq-kernels.ts', () => {
    const source = readFileSync(new URL('../assembly/sq-kernels.ts', import.meta.url), 'utf8');
    expect(createHash('sha256').update(source).digest('hex'), `kernel source changed: ${FIX}`).toBe(SQ_KERNELS_SOURCE_SHA256);
  });

  it('equal a fresh compile of the source, byte for byte', async () => {
    const fresh = await compileSqKernels();
    expect(Buffer.from(fresh).equals(Buffer.from(sqKernelBytes())), `embedded bytes are stale: ${FIX}`).toBe(true);
  });
});

/** Seeded data with a per-dimension offset and spread, normalised for cosine by the caller's policy. */
function data(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * dim }, (_, i) => rng.nextGaussian() * (1 + (i % 5)) + (i % dim) * 0.1);
}

describe.skipIf(!simdSupported())('SqDistanceComputer: SIMD kernels against the TypeScript kernels', () => {
  // Dims around the 16-component block and the 4-bit byte boundary: tails of every length.
  const dims = [1, 2, 3, 15, 16, 17, 31, 33, 64, 100];
  it('equal distances (to float rounding) for ids, ranges and single rows, every metric, 8 and 4 bits', () => {
    const n = 70;
    for (const dim of dims) {
      for (const bits of [8, 4] as const) {
        for (const metric of METRICS) {
          const policy = metricPolicy(metric);
          const x = data(n, dim, dim * 7 + bits);
          if (policy.normalize) for (let i = 0; i < n; i++) normalizeRow(x, i * dim, dim);
          const sq = new ScalarQuantizer({ dim, bits });
          sq.train(x);
          const js = new SqCodes(sq, { kernels: 'js' });
          const simd = new SqCodes(sq, { kernels: 'simd', capacity: 3 });
          js.encodeRows(x, 0, 0, n);
          simd.encodeRows(x, 0, 0, n); // grows past its capacity
          expect(simd.backend).toBe('simd');
          expect(Array.from(simd.view())).toEqual(Array.from(js.view()));
          const a = new SqDistanceComputer(js, policy);
          const b = new SqDistanceComputer(simd, policy);
          const q = data(3, dim, 99);
          const ids = Int32Array.from({ length: 40 }, (_, i) => (i * 37) % n);
          const outA = new Float64Array(n + 2);
          const outB = new Float64Array(n + 2);
          for (let qi = 0; qi < 3; qi++) {
            a.setQuery(q, qi * dim);
            b.setQuery(q, qi * dim);
            a.distancesToIds(ids, 2, 30, outA, 1);
            b.distancesToIds(ids, 2, 30, outB, 1);
            // f32 lane sums (SIMD) against f64 sums (TS): equal up to float rounding.
            for (let r = 1; r <= 30; r++) close(outB[r], outA[r]);
            a.distancesToRange(0, n, outA, 0);
            b.distancesToRange(0, n, outB, 0);
            for (let r = 0; r < n; r++) {
              close(outB[r], outA[r]);
              // Both equal the readable reference (distance to the decoded code).
              const off = r * sq.codeSize;
              const ref =
                policy.kind === 'l2' ? sq.l2SquaredRef(a.query, 0, js.codes, off) : policy.bias - sq.dotRef(a.query, 0, js.codes, off);
              close(outA[r], ref);
            }
            close(b.distanceTo(5), a.distanceTo(5));
            close(b.symmetric(3, 8), a.symmetric(3, 8));
          }
          a.setQueryToRow(4);
          b.setQueryToRow(4);
          close(b.distanceTo(4), a.distanceTo(4));
        }
      }
    }
  });

  it('two computers over one store each reload their query', () => {
    const dim = 20;
    const x = data(30, dim, 5);
    const sq = new ScalarQuantizer({ dim });
    sq.train(x);
    const codes = new SqCodes(sq, { kernels: 'simd' });
    codes.encodeRows(x, 0, 0, 30);
    const p = metricPolicy('euclidean');
    const a = new SqDistanceComputer(codes, p);
    const b = new SqDistanceComputer(codes, p);
    a.setQueryToRow(1);
    b.setQueryToRow(2);
    expect(a.distanceTo(1)).toBeCloseTo(0, 6);
    expect(b.distanceTo(2)).toBeCloseTo(0, 6);
  });
});

function normalizeRow(x: Float32Array, off: number, dim: number): void {
  let s = 0;
  for (let j = 0; j < dim; j++) s += x[off + j] * x[off + j];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let j = 0; j < dim; j++) x[off + j] *= inv;
}

/** Float32 lane sums against float64 sums: agreement to a relative 1e-4 (float rounding only; inner products cancel, so the bound is on the sum, not the terms). */
function close(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want)));
}
