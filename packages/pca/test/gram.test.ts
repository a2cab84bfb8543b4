/**
 * The randomized solver's Gram route (`src/internal/gram.ts`): its float32 kernel against
 * the Math.fround reference (same operation order, so equal bits), Gram-route fits against
 * streaming-route fits from the same seed (the same iteration; only the order of the
 * multiplications differs, so results agree to rounding), determinism, a property over
 * random shapes, and the route rule.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, simdSupported } from '@annlab/core';
import { fitRandomized } from '../src/internal/fit.js';
import { GRAM_MAX_BYTES, GramPass, gramIsCheaper, gramPanelsRef, randomizedCost } from '../src/internal/gram.js';
import { gemmModule } from '../src/internal/matrix-kernels.js';
import { anisotropic, orthonormalityError, principalCosines } from './helpers.js';

const simd = simdSupported();

interface GramKernel {
  gramPanelsF32(x: number, rows: number, dim: number, z: number): void;
}

describe.runIf(simd)('gramPanelsF32', () => {
  it('equals its Math.fround reference bit for bit', () => {
    const module = gemmModule();
    if (module === null) throw new Error('no wasm module');
    const rng = new Rng(3);
    for (const [rows, dim] of [
      [37, 24],
      [128, 8],
      [5, 40],
    ]) {
      const memory = new WebAssembly.Memory({ initial: 4, maximum: 4 });
      const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GramKernel;
      const xPtr = 16;
      const zPtr = xPtr + rows * dim * 4 + 16;
      const x = new Float32Array(memory.buffer, xPtr, rows * dim);
      for (let i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
      const z = new Float64Array(memory.buffer, zPtr, dim * dim);
      for (let i = 0; i < z.length; i++) z[i] = 0.25 * i;
      const want = Float64Array.from(z);
      k.gramPanelsF32(xPtr, rows, dim, zPtr);
      gramPanelsRef(x, rows, dim, want);
      expect(Array.from(z)).toEqual(Array.from(want));
    }
  });
});

describe('Gram route against the streaming route', () => {
  const dim = 50;
  const n = 1200;
  const x = anisotropic(n, dim, [12, 9, 7, 5, 4, 3, 2.5, 2, 1.5, 1.2, 1], 21, 0.3);
  const k = 8;
  const l = 18;

  it('float64 (kernels js): the same subspace, directions and explained variance', () => {
    const gram = fitRandomized(x, n, dim, k, l, 4, new Rng(5), 'js', undefined, 'gram');
    const stream = fitRandomized(x, n, dim, k, l, 4, new Rng(5), 'js', undefined, 'stream');
    expect(gram.backend).toBe('js');
    const cos = principalCosines(stream.components, gram.components, k, dim);
    for (const v of cos) expect(v).toBeGreaterThan(1 - 1e-10);
    for (let c = 0; c < k; c++) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += stream.components[c * dim + j] * gram.components[c * dim + j];
      expect(d).toBeGreaterThan(1 - 1e-10);
      expect(Math.abs(gram.eigenvalues[c] / stream.eigenvalues[c] - 1)).toBeLessThan(1e-10);
    }
    expect(Math.abs(gram.totalVariance / stream.totalVariance - 1)).toBeLessThan(1e-12);
    expect(orthonormalityError(gram.components, k, dim)).toBeLessThan(1e-12);
    for (let j = 0; j < dim; j++) expect(gram.mean[j]).toBe(stream.mean[j]);
  });

  it.runIf(simd)('float32 Gram (SIMD) agrees with the float64 streaming reference', () => {
    const fast = fitRandomized(x, n, dim, k, l, 4, new Rng(5), 'auto', 0, 'gram');
    const ref = fitRandomized(x, n, dim, k, l, 4, new Rng(5), 'js', undefined, 'stream');
    expect(fast.backend).toBe('simd');
    const cos = principalCosines(ref.components, fast.components, k, dim);
    expect(cos[0]).toBeGreaterThan(1 - 1e-9);
    for (let c = 0; c < k; c++) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += ref.components[c * dim + j] * fast.components[c * dim + j];
      expect(d).toBeGreaterThan(1 - 1e-8);
      expect(Math.abs(fast.eigenvalues[c] / ref.eigenvalues[c] - 1)).toBeLessThan(1e-5);
    }
    expect(Math.abs(fast.totalVariance / ref.totalVariance - 1)).toBeLessThan(1e-6);
    expect(orthonormalityError(fast.components, k, dim)).toBeLessThan(1e-12);
    for (let j = 0; j < dim; j++) expect(fast.mean[j]).toBe(ref.mean[j]);
  });

  it('is deterministic: the same seed gives identical bits', () => {
    for (const kernels of ['js', 'auto'] as const) {
      const a = fitRandomized(x, n, dim, 6, 16, 3, new Rng(9), kernels, 0, 'gram');
      const b = fitRandomized(x, n, dim, 6, 16, 3, new Rng(9), kernels, 0, 'gram');
      expect(Array.from(a.components)).toEqual(Array.from(b.components));
      expect(Array.from(a.eigenvalues)).toEqual(Array.from(b.eigenvalues));
      expect(a.totalVariance).toBe(b.totalVariance);
    }
  });

  it("'auto' takes the Gram route when the rule says so (identical bits)", () => {
    expect(gramIsCheaper(n, dim, l, 5)).toBe(true);
    const auto = fitRandomized(x, n, dim, k, l, 4, new Rng(2), 'auto', 0);
    const gram = fitRandomized(x, n, dim, k, l, 4, new Rng(2), 'auto', 0, 'gram');
    expect(Array.from(auto.components)).toEqual(Array.from(gram.components));
    expect(Array.from(auto.eigenvalues)).toEqual(Array.from(gram.eigenvalues));
  });

  it('GramPass multiplies by the centred Gram matrix', () => {
    const pass = GramPass.fromRows('js', x, n, dim, 2);
    const qt = new Float64Array(2 * dim);
    qt[3] = 1;
    qt[dim + 7] = 1;
    const zt = new Float64Array(2 * dim);
    pass.multiply(qt, zt);
    // (Xcᵀ Xc e_3)[j] = Σ_i xc[i][j]·xc[i][3]
    for (const j of [0, 3, 49]) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (x[i * dim + j] - pass.mean[j]) * (x[i * dim + 3] - pass.mean[3]);
      expect(Math.abs(zt[j] - s)).toBeLessThan(1e-9 * Math.abs(pass.sumSquares));
    }
  });
});

describe('Gram route properties', () => {
  it('agrees with the streaming route on random shapes, orthonormal directions (property, seed 6)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('js' as const, 'auto' as const),
        (d, seed, extra, q, kernels) => {
          const rows = d + 3 + extra * 5;
          const data = anisotropic(rows, d, [6, 4, 3, 2, 1.5, 1].slice(0, d), seed, 0.2);
          const k = Math.max(1, Math.min(d, 1 + (seed % d)));
          const l = Math.min(d, k + (extra % 5));
          const gram = fitRandomized(data, rows, d, k, l, q, new Rng(seed), kernels, 0, 'gram');
          const stream = fitRandomized(data, rows, d, k, l, q, new Rng(seed), 'js', undefined, 'stream');
          expect(orthonormalityError(gram.components, k, d)).toBeLessThan(1e-12);
          expect(Math.abs(gram.totalVariance / stream.totalVariance - 1)).toBeLessThan(1e-6);
          let sg = 0;
          let ss = 0;
          for (let c = 0; c < k; c++) {
            sg += gram.eigenvalues[c];
            ss += stream.eigenvalues[c];
            if (c > 0) expect(gram.eigenvalues[c]).toBeLessThanOrEqual(gram.eigenvalues[c - 1]);
          }
          expect(Math.abs(sg - ss)).toBeLessThanOrEqual(1e-5 * stream.totalVariance);
        },
      ),
      { seed: 6, numRuns: 60 },
    );
  });
});

describe('route rule', () => {
  it('compares n·dim²/2 + passes·l·dim² with 2·passes·n·dim·l, within the memory cap', () => {
    expect(randomizedCost(100, 10, 4, 2)).toEqual({ stream: 2 * 2 * 100 * 10 * 4, gram: 5000 + 2 * 4 * 100 });
    // Fashion-MNIST shape, scikit-learn's defaults: 784 < 4·8·74.
    expect(gramIsCheaper(60000, 784, 74, 8)).toBe(true);
    expect(gramIsCheaper(60000, 4096, 74, 8)).toBe(false);
    expect(gramIsCheaper(60000, 2000, 74, 8)).toBe(true);
    expect(gramIsCheaper(60000, 2400, 74, 8)).toBe(false);
    // Cheaper by the count but C over the memory cap.
    const big = Math.ceil(Math.sqrt(GRAM_MAX_BYTES / 8)) + 1;
    expect(gramIsCheaper(1e9, big, 1000, 100)).toBe(false);
  });
});
