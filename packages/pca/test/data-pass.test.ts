/**
 * The randomized solver's float32 data pass against its references: the three WebAssembly
 * kernels against their Math.fround loops (same operation order, so equal bits), the whole
 * pass against the float64 pass, and float32 fits against the float64 reference fit
 * (`kernels: 'js'`) on seeded data, plus properties of float32 fits.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, simdSupported } from '@annlab/core';
import {
  accumulatePanelsRef,
  centerRowsRef,
  dataPass,
  Float32DataPass,
  PANEL,
  panelLayout,
  projectPanelsRef,
} from '../src/internal/data-pass.js';
import { columnMeans } from '../src/internal/means.js';
import { fitRandomized } from '../src/internal/fit.js';
import { gemmModule } from '../src/internal/matrix-kernels.js';
import { anisotropic, orthonormalityError, principalCosines, varianceAlong } from './helpers.js';

interface KernelExports {
  columnSumsF32(x: number, rows: number, dim: number, sums: number): void;
  projectHalfPanelF32(x: number, rows: number, dim: number, q: number, y: number): void;
  accumulateHalfPanelF32(x: number, rows: number, dim: number, y: number, z: number): void;
  centerRowsF32(x: number, rows: number, dim: number, mean: number): number;
  projectPanelsF32(x: number, rows: number, dim: number, q: number, panels: number, y: number): void;
  accumulatePanelsF32(x: number, rows: number, dim: number, y: number, panels: number, z: number): void;
}

/** A module instance over a fresh memory, and a bump allocator in it. */
function kernelInstance(bytes: number): { k: KernelExports; memory: WebAssembly.Memory; alloc: (b: number) => number } {
  const module = gemmModule();
  if (module === null) throw new Error('no wasm module');
  const pages = Math.ceil(bytes / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  let next = 16;
  const alloc = (b: number): number => {
    const p = (next + 15) & ~15;
    next = p + b;
    return p;
  };
  return { k, memory, alloc };
}

const simd = simdSupported();

describe.runIf(simd)('float32 data-pass kernels', () => {
  it('equal their references bit for bit on every edge shape', () => {
    const rng = new Rng(7);
    for (const [rows, dim, panels] of [
      [1, 1, 1],
      [3, 5, 1],
      [4, 4, 2],
      [7, 13, 3],
      [9, 30, 2],
      [16, 9, 1],
      [128, 33, 4],
    ]) {
      const { k, memory, alloc } = kernelInstance(
        4 * (rows * dim + dim + 2 * panels * PANEL * (dim + rows)) + 8 * panels * PANEL * dim + 64 * (dim + rows) + 4096,
      );
      const xPtr = alloc(4 * rows * dim);
      const meanPtr = alloc(4 * dim);
      const qPtr = alloc(4 * panels * PANEL * dim);
      const yPtr = alloc(4 * panels * PANEL * rows);
      const zPtr = alloc(8 * panels * PANEL * dim);
      const x = new Float32Array(memory.buffer, xPtr, rows * dim);
      const mean = new Float32Array(memory.buffer, meanPtr, dim);
      const q = new Float32Array(memory.buffer, qPtr, panels * PANEL * dim);
      const y = new Float32Array(memory.buffer, yPtr, panels * PANEL * rows);
      const z = new Float64Array(memory.buffer, zPtr, panels * PANEL * dim);
      for (let i = 0; i < x.length; i++) x[i] = 10 * rng.nextGaussian() + 3;
      for (let j = 0; j < dim; j++) mean[j] = 3 + rng.nextGaussian();
      for (let i = 0; i < q.length; i++) q[i] = rng.nextGaussian();
      for (let i = 0; i < z.length; i++) z[i] = rng.nextGaussian();
      const xRef = Float32Array.from(x);
      const zRef = Float64Array.from(z);
      const yRef = new Float32Array(y.length);

      // Column sums: the same float64 additions as columnMeans, so equal bits.
      const sumsPtr = alloc(8 * dim);
      const sums = new Float64Array(memory.buffer, sumsPtr, dim);
      k.columnSumsF32(xPtr, rows, dim, sumsPtr);
      const means = columnMeans(x, rows, dim);
      for (let j = 0; j < dim; j++) expect(sums[j] / rows).toBe(means[j]);

      // The 4-column panel kernels, on the first 4 columns of each panel's data.
      const q4 = Float32Array.from({ length: 4 * dim }, (_, i) => q[Math.floor(i / 4) * PANEL + (i % 4)]);
      const q4Ptr = alloc(4 * 4 * dim);
      const y4Ptr = alloc(4 * 4 * rows);
      const z4Ptr = alloc(8 * 4 * dim);
      new Float32Array(memory.buffer, q4Ptr, 4 * dim).set(q4);
      const y4 = new Float32Array(memory.buffer, y4Ptr, 4 * rows);
      const z4 = new Float64Array(memory.buffer, z4Ptr, 4 * dim);
      for (let i = 0; i < z4.length; i++) z4[i] = rng.nextGaussian();
      const y4Ref = new Float32Array(4 * rows);
      const z4Ref = Float64Array.from(z4);
      k.projectHalfPanelF32(xPtr, rows, dim, q4Ptr, y4Ptr);
      projectPanelsRef(x, rows, dim, q4, 1, y4Ref, 4);
      expect(Array.from(y4)).toEqual(Array.from(y4Ref));
      k.accumulateHalfPanelF32(xPtr, rows, dim, y4Ptr, z4Ptr);
      accumulatePanelsRef(x, rows, dim, y4Ref, 1, z4Ref, 4);
      expect(Array.from(z4)).toEqual(Array.from(z4Ref));

      const ss = k.centerRowsF32(xPtr, rows, dim, meanPtr);
      const ssRef = centerRowsRef(xRef, rows, dim, mean);
      expect(Array.from(x)).toEqual(Array.from(xRef));
      // The kernel sums squares in two float64 lanes, the reference in one: rounding only.
      expect(Math.abs(ss - ssRef)).toBeLessThanOrEqual(1e-12 * ssRef);

      k.projectPanelsF32(xPtr, rows, dim, qPtr, panels, yPtr);
      projectPanelsRef(xRef, rows, dim, q, panels, yRef);
      expect(Array.from(y)).toEqual(Array.from(yRef));

      k.accumulatePanelsF32(xPtr, rows, dim, yPtr, panels, zPtr);
      accumulatePanelsRef(xRef, rows, dim, yRef, panels, zRef);
      expect(Array.from(z)).toEqual(Array.from(zRef));
    }
  });

  it('one pass equals the float64 pass up to float32 rounding, for every panel split of l', () => {
    const dim = 37;
    const n = 300;
    for (const l of [1, 4, 5, 8, 11, 12, 13, 16, 20]) onePass(dim, n, l);
  });

  function onePass(dim: number, n: number, l: number): void {
    const x = anisotropic(n, dim, [9, 6, 4, 3, 2, 1], 5, 0.2);
    const f32 = dataPass('auto', x, n, dim, l, 0);
    const f64 = dataPass('js', x, n, dim, l);
    expect(Array.from(f32.mean)).toEqual(Array.from(f64.mean));
    expect(f32).toBeInstanceOf(Float32DataPass);
    expect(f32.backend).toBe('simd');
    expect(f64.backend).toBe('js');
    const rng = new Rng(2);
    const qt = new Float64Array(l * dim);
    for (let i = 0; i < qt.length; i++) qt[i] = rng.nextGaussian();
    const qt32 = Float64Array.from(qt);
    const z32 = new Float64Array(l * dim);
    const z64 = new Float64Array(l * dim);
    f32.multiply(qt32, z32);
    for (let i = 0; i < qt.length; i++) expect(qt32[i]).toBe(Math.fround(qt[i]));
    f64.multiply(qt32, z64);
    let scale = 0;
    for (const v of z64) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < z64.length; i++) expect(Math.abs(z32[i] - z64[i])).toBeLessThan(1e-5 * scale);
    expect(Math.abs(f32.sumSquares - f64.sumSquares)).toBeLessThan(1e-6 * f64.sumSquares);
  }

  it('splits l into panels of 8 and at most one of 4', () => {
    expect(panelLayout(74)).toEqual({ full: 9, half: 1, width: 76 });
    expect(panelLayout(80)).toEqual({ full: 10, half: 0, width: 80 });
    expect(panelLayout(3)).toEqual({ full: 0, half: 1, width: 4 });
    expect(panelLayout(7)).toEqual({ full: 1, half: 0, width: 8 });
  });
});

describe.runIf(simd)('randomized fit on the float32 pass', () => {
  const dim = 48;
  const n = 900;
  const x = anisotropic(n, dim, [12, 9, 7, 5, 4, 3, 2.5, 2, 1.5, 1.2, 1], 13, 0.3);

  it('agrees with the float64 reference fit: subspace, directions and explained variance', () => {
    const k = 8;
    const l = 18;
    const fast = fitRandomized(x, n, dim, k, l, 4, new Rng(1), 'auto', 0, 'stream');
    const ref = fitRandomized(x, n, dim, k, l, 4, new Rng(1), 'js', undefined, 'stream');
    expect(fast.backend).toBe('simd');
    expect(ref.backend).toBe('js');
    const cos = principalCosines(ref.components, fast.components, k, dim);
    expect(cos[0]).toBeGreaterThan(1 - 1e-9);
    for (let c = 0; c < k; c++) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += ref.components[c * dim + j] * fast.components[c * dim + j];
      expect(d).toBeGreaterThan(1 - 1e-8);
      expect(Math.abs(fast.eigenvalues[c] / ref.eigenvalues[c] - 1)).toBeLessThan(1e-5);
    }
    expect(Math.abs(fast.totalVariance / ref.totalVariance - 1)).toBeLessThan(1e-6);
    for (let j = 0; j < dim; j++) expect(fast.mean[j]).toBe(ref.mean[j]);
  });

  it('is deterministic: the same seed gives identical bits', () => {
    const a = fitRandomized(x, n, dim, 6, 16, 3, new Rng(9), 'auto', 0, 'stream');
    const b = fitRandomized(x, n, dim, 6, 16, 3, new Rng(9), 'auto', 0, 'stream');
    expect(Array.from(a.components)).toEqual(Array.from(b.components));
    expect(Array.from(a.eigenvalues)).toEqual(Array.from(b.eigenvalues));
    expect(a.totalVariance).toBe(b.totalVariance);
  });

  it('gives orthonormal directions with non-increasing eigenvalues, each at most the variance along its direction (property, seed 4)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 3 }),
        (d, seed, extra, q) => {
          const rows = d + 3 + extra * 5;
          const data = anisotropic(rows, d, [6, 4, 3, 2, 1.5, 1].slice(0, d), seed, 0.2);
          const k = Math.max(1, Math.min(d, 1 + (seed % d)));
          const l = Math.min(d, k + (extra % 5));
          const fit = fitRandomized(data, rows, d, k, l, q, new Rng(seed), 'auto', 0, 'stream');
          expect(orthonormalityError(fit.components, k, d)).toBeLessThan(1e-12);
          for (let c = 0; c < k; c++) {
            expect(fit.eigenvalues[c]).toBeGreaterThanOrEqual(0);
            if (c > 0) expect(fit.eigenvalues[c]).toBeLessThanOrEqual(fit.eigenvalues[c - 1]);
          }
          let sum = 0;
          for (const v of fit.eigenvalues) sum += v;
          expect(sum).toBeLessThanOrEqual(fit.totalVariance * (1 + 1e-5));
          // σ_c² = ‖Pᵀ Xc v_c‖² with P orthonormal: at most the variance along v_c (float32 rounding aside).
          for (let c = 0; c < k; c++) {
            const v = varianceAlong(data, rows, d, fit.components, c * d);
            expect(fit.eigenvalues[c]).toBeLessThanOrEqual(v * (1 + 1e-4) + 1e-9);
          }
        },
      ),
      { seed: 4, numRuns: 40 },
    );
  });
});
