import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng, simdSupported } from '@annlab/core';
import { Pca } from '@annlab/pca';
import { gemmNTRef, syrkNTRef } from '../src/internal/gemm.js';
import { matrixKernels } from '../src/internal/matrix-kernels.js';
import { GEMM_SOURCE_SHA256 } from '../src/internal/gemm-wasm.generated.js';
import { anisotropic } from './helpers.js';

describe('WebAssembly SIMD matrix kernels', () => {
  it('the embedded bytes were compiled from the current assembly/gemm.ts', () => {
    const source = readFileSync(new URL('../assembly/gemm.ts', import.meta.url), 'utf8');
    expect(createHash('sha256').update(source).digest('hex')).toBe(GEMM_SOURCE_SHA256);
  });

  it('runs on SIMD where the runtime supports it, and on JS when asked', () => {
    expect(matrixKernels('auto', 100, 1).backend).toBe(simdSupported() ? 'simd' : 'js');
    expect(matrixKernels('js', 100, 1).backend).toBe('js');
  });

  it('gemmNT and syrkNT equal the references for every edge shape', () => {
    const rng = new Rng(5);
    for (const [m, n, len] of [
      [1, 1, 1],
      [2, 5, 3],
      [3, 3, 7],
      [4, 7, 1],
      [7, 8, 13],
      [9, 10, 64],
      [12, 12, 129],
    ]) {
      const mk = matrixKernels('auto', 2 * (3 + m * len) + 2 * (3 + n * len) + 4 * (m + 1) * (n + m + 2), 8);
      const a = mk.alloc(3 + m * len);
      const b = mk.alloc(3 + n * len);
      for (let i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
      for (let i = 0; i < b.length; i++) b[i] = rng.nextGaussian();
      const ldc = n + 1;
      const c = mk.alloc(2 + m * ldc);
      for (let i = 0; i < c.length; i++) c[i] = rng.nextGaussian();
      const want = Float64Array.from(c);
      mk.gemmNT(a, 3, m, b, 3, n, len, c, 2, ldc);
      gemmNTRef(a, 3, m, b, 3, n, len, want, 2, ldc);
      for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(want[i], 10);
      const s = mk.alloc(m * m);
      const sWant = new Float64Array(m * m);
      mk.syrkNT(a, m, len, s, m);
      syrkNTRef(a, m, len, sWant, m);
      for (let i = 0; i < m; i++) for (let j = i; j < m; j++) expect(s[i * m + j]).toBeCloseTo(sWant[i * m + j], 10);
    }
  });

  it('PCA fits on both backends agree', () => {
    const dim = 20;
    const x = anisotropic(300, dim, [8, 6, 4, 2, 1], 3, 0.1);
    for (const solver of ['exact', 'randomized'] as const) {
      const a = new Pca({ dim, components: 4, solver, kernels: 'js' });
      const b = new Pca({ dim, components: 4, solver, kernels: 'auto' });
      a.train(x);
      b.train(x);
      expect(a.backendUsed).toBe('js');
      for (let i = 0; i < a.componentMatrix.length; i++) expect(b.componentMatrix[i]).toBeCloseTo(a.componentMatrix[i], 8);
      for (let c = 0; c < 4; c++) expect(b.eigenvalues[c] / a.eigenvalues[c]).toBeCloseTo(1, 10);
    }
  });
});
