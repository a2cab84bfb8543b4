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

describe('SqDistanceComputer', () => {
  // Dims around the 16-component block and the 4-bit byte boundary: tails of every length.
  const dims = [1, 2, 3, 15, 16, 17, 31, 33, 64, 100];

  it('equals the readable reference (distance to the decoded code) within the weight-rounding bound', () => {
    const n = 50;
    for (const dim of dims) {
      for (const bits of [8, 4] as const) {
        for (const metric of METRICS) {
          const policy = metricPolicy(metric);
          const x = data(n, dim, dim * 3 + bits);
          if (policy.normalize) for (let i = 0; i < n; i++) normalizeRow(x, i * dim, dim);
          const sq = new ScalarQuantizer({ dim, bits });
          sq.train(x);
          const codes = new SqCodes(sq, { kernels: 'js' });
          codes.encodeRows(x, 0, 0, n);
          const dc = new SqDistanceComputer(codes, policy);
          const q = data(2, dim, 7);
          const out = new Float64Array(n);
          for (let qi = 0; qi < 2; qi++) {
            dc.setQuery(q, qi * dim);
            dc.distancesToRange(0, n, out, 0);
            // Rounding the weights to int16 moves S by at most ½ per unit of code: ½·levels·dim
            // units of 1/K, times 2 for squared L2 (coef = 2/K).
            const bound = dc.coef * 0.5 * sq.levels * dim;
            for (let r = 0; r < n; r++) {
              const off = r * codes.stride;
              const ref =
                policy.kind === 'l2'
                  ? sq.l2SquaredRef(dc.query, 0, codes.rows, off)
                  : policy.bias - sq.dotRef(dc.query, 0, codes.rows, off);
              expect(Math.abs(out[r] - ref)).toBeLessThanOrEqual(bound + 1e-6 * (1 + Math.abs(ref) + dc.base));
            }
          }
        }
      }
    }
  });

  it.skipIf(!simdSupported())(
    'SIMD kernels equal the TypeScript kernels bit for bit (ids, ranges, single rows; every metric, 8 and 4 bits)',
    () => {
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
              // The same exact integer S and the same float64 formula: identical results.
              expect(Array.from(outB)).toEqual(Array.from(outA));
              a.distancesToRange(0, n, outA, 0);
              b.distancesToRange(0, n, outB, 0);
              expect(Array.from(outB)).toEqual(Array.from(outA));
              expect(b.distanceTo(5)).toBe(outA[5]);
              expect(b.symmetric(3, 8)).toBe(a.symmetric(3, 8));
            }
            a.setQueryToRow(4);
            b.setQueryToRow(4);
            expect(b.distanceTo(4)).toBe(a.distanceTo(4));
          }
        }
      }
    },
  );

  it('load(view()) restores the codes and their norms', () => {
    const dim = 21;
    const x = data(40, dim, 8);
    for (const bits of [8, 4] as const) {
      const sq = new ScalarQuantizer({ dim, bits });
      sq.train(x);
      const a = new SqCodes(sq, { kernels: 'js' });
      a.encodeRows(x, 0, 0, 40);
      const b = new SqCodes(sq, { kernels: 'auto' });
      b.load(a.view(), 40);
      expect(b.size).toBe(40);
      expect(Array.from(b.view())).toEqual(Array.from(a.view()));
      const p = metricPolicy('euclidean');
      const da = new SqDistanceComputer(a, p);
      const db = new SqDistanceComputer(b, p);
      da.setQuery(x, dim);
      db.setQuery(x, dim);
      const oa = new Float64Array(40);
      const ob = new Float64Array(40);
      da.distancesToRange(0, 40, oa, 0);
      db.distancesToRange(0, 40, ob, 0);
      expect(Array.from(ob)).toEqual(Array.from(oa));
    }
  });

  it.skipIf(!simdSupported())('two computers over one store each reload their query', () => {
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
    const out = new Float64Array(1);
    // Each distance to its own decoded code is 0 up to the weight-rounding bound.
    a.distancesToIds(Int32Array.of(1), 0, 1, out, 0);
    expect(Math.abs(out[0])).toBeLessThanOrEqual(a.coef * 0.5 * 255 * dim + 1e-6 * (1 + a.base));
    b.distancesToIds(Int32Array.of(2), 0, 1, out, 0);
    expect(Math.abs(out[0])).toBeLessThanOrEqual(b.coef * 0.5 * 255 * dim + 1e-6 * (1 + b.base));
    a.distancesToIds(Int32Array.of(2), 0, 1, out, 0);
    expect(out[0]).toBeGreaterThan(0.01);
  });
});

function normalizeRow(x: Float32Array, off: number, dim: number): void {
  let s = 0;
  for (let j = 0; j < dim; j++) s += x[off + j] * x[off + j];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let j = 0; j < dim; j++) x[off + j] *= inv;
}
