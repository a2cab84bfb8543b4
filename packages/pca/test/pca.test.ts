import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AnnlabError, isAnnlabError } from '@annlab/core';
import { Pca } from '@annlab/pca';
import { anisotropic, orthonormalityError, principalCosines, varianceAlong } from './helpers.js';
import { expectCode } from '@annlab/test-kit';

const SCALES = [9, 7, 5, 4, 3, 0.8, 0.6, 0.4, 0.3, 0.2];

describe('Pca', () => {
  const dim = 24;
  const n = 600;
  const x = anisotropic(n, dim, SCALES, 11, 0.05);

  for (const solver of ['exact', 'randomized'] as const) {
    describe(`${solver} solver`, () => {
      const pca = new Pca({ dim, components: 5, solver });
      pca.train(x);

      it('records the solver and trains', () => {
        expect(pca.isTrained).toBe(true);
        expect(pca.solverUsed).toBe(solver);
        expect(pca.nSamples).toBe(n);
      });

      it('has orthonormal components', () => {
        expect(orthonormalityError(pca.componentMatrix, 5, dim)).toBeLessThan(1e-10);
      });

      it('has non-increasing eigenvalues equal to the variance along each component', () => {
        for (let c = 0; c < 5; c++) {
          if (c > 0) expect(pca.eigenvalues[c]).toBeLessThanOrEqual(pca.eigenvalues[c - 1]);
          const v = varianceAlong(x, n, dim, pca.componentMatrix, c * dim);
          expect(Math.abs(pca.eigenvalues[c] - v) / v).toBeLessThan(1e-6);
          expect(pca.explainedVariance[c]).toBe(pca.eigenvalues[c]);
        }
        let ratio = 0;
        for (const r of pca.explainedVarianceRatio) ratio += r;
        expect(ratio).toBeGreaterThan(0.9);
        expect(ratio).toBeLessThanOrEqual(1 + 1e-12);
      });

      it('apply gives centred coordinates with the eigenvalues as variances', () => {
        const y = pca.apply(x);
        expect(y.length).toBe(n * 5);
        for (let c = 0; c < 5; c++) {
          let s = 0;
          let ss = 0;
          for (let i = 0; i < n; i++) {
            s += y[i * 5 + c];
            ss += y[i * 5 + c] ** 2;
          }
          expect(Math.abs(s / n)).toBeLessThan(1e-3 * Math.sqrt(pca.eigenvalues[c]));
          expect(ss / (n - 1)).toBeCloseTo(pca.eigenvalues[c], 1);
        }
      });
    });
  }

  it('the two solvers agree on the leading subspace (principal angles) and eigenvalues', () => {
    const k = 5;
    const exact = new Pca({ dim, components: k, solver: 'exact' });
    const rand = new Pca({ dim, components: k, solver: 'randomized', oversampling: 5, powerIterations: 2 });
    exact.train(x);
    rand.train(x);
    const cos = principalCosines(exact.componentMatrix, rand.componentMatrix, k, dim);
    expect(cos[0]).toBeGreaterThan(0.9999);
    for (let c = 0; c < k; c++) expect(rand.eigenvalues[c]).toBeCloseTo(exact.eigenvalues[c], 3);
    // Signs are normalised, so well-separated directions agree one by one, not only as a subspace.
    for (let c = 0; c < k; c++) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += exact.componentMatrix[c * dim + j] * rand.componentMatrix[c * dim + j];
      expect(d).toBeGreaterThan(0.999);
    }
    expect(rand.totalVariance).toBeCloseTo(exact.totalVariance, 6);
  });

  it('full-rank PCA reconstructs its input and explains all variance (property, seed 3)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom('exact' as const, 'randomized' as const),
        fc.boolean(),
        (d, seed, solver, whiten) => {
          const m = d + 8;
          const data = anisotropic(m, d, [5, 3, 2, 1, 1, 0.5].slice(0, d), seed, 0.1);
          const pca = new Pca({ dim: d, components: d, solver, whiten, seed });
          pca.train(data);
          expect(orthonormalityError(pca.componentMatrix, d, d)).toBeLessThan(1e-9);
          let ratio = 0;
          for (const r of pca.explainedVarianceRatio) ratio += r;
          expect(ratio).toBeCloseTo(1, 8);
          const back = pca.reconstruct(pca.apply(data));
          for (let i = 0; i < data.length; i++) expect(Math.abs(back[i] - data[i])).toBeLessThan(1e-3 * (1 + Math.abs(data[i])));
        },
      ),
      { seed: 3, numRuns: 30 },
    );
  });

  it('finds the analytic components of a 2-D and a 3-D case', () => {
    // 2-D: points on the line y = x (variance along (1,1)/√2) with a small spread along (1,−1)/√2.
    const pts2 = new Float32Array([-2, -2, -1, -1, 1, 1, 2, 2, 0.1, -0.1, -0.1, 0.1]);
    const p2 = new Pca({ dim: 2, components: 2, solver: 'exact' });
    p2.train(pts2);
    expect(p2.componentMatrix[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(p2.componentMatrix[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(Math.abs(p2.componentMatrix[2])).toBeCloseTo(Math.SQRT1_2, 6);
    expect(p2.componentMatrix[2] * p2.componentMatrix[3]).toBeLessThan(0);
    // variance along (1,1)/√2: projections ±2√2, ±√2, 0, 0 → sum of squares 20, /5 = 4
    expect(p2.eigenvalues[0]).toBeCloseTo(4, 6);
    // along (1,−1)/√2: projections 0,0,0,0, ±0.1√2 → 0.04/5 = 0.008
    expect(p2.eigenvalues[1]).toBeCloseTo(0.008, 9);
    // 3-D: axis-aligned box corners with spreads 3 > 2 > 1 around mean (1, 2, 3).
    const pts3: number[] = [];
    for (const a of [-3, 3]) for (const b of [-2, 2]) for (const c of [-1, 1]) pts3.push(1 + a, 2 + b, 3 + c);
    for (const solver of ['exact', 'randomized'] as const) {
      const p3 = new Pca({ dim: 3, components: 3, solver });
      p3.train(new Float32Array(pts3));
      expect(Array.from(p3.mean)).toEqual([1, 2, 3]);
      const expected = [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ];
      for (let c = 0; c < 3; c++) for (let j = 0; j < 3; j++) expect(p3.componentMatrix[c * 3 + j]).toBeCloseTo(expected[c][j], 9);
      // variances 9·8/7, 4·8/7, 1·8/7 (divisor n − 1 = 7)
      expect(p3.eigenvalues[0]).toBeCloseTo(72 / 7, 9);
      expect(p3.eigenvalues[1]).toBeCloseTo(32 / 7, 9);
      expect(p3.eigenvalues[2]).toBeCloseTo(8 / 7, 9);
      expect(p3.explainedVarianceRatio[0]).toBeCloseTo(9 / 14, 9);
    }
  });

  it('whitening gives unit-variance outputs and reconstruct undoes it', () => {
    const pca = new Pca({ dim, components: 4, whiten: true, solver: 'exact' });
    pca.train(x);
    const y = pca.apply(x);
    for (let c = 0; c < 4; c++) {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += y[i * 4 + c] ** 2;
      expect(ss / (n - 1)).toBeCloseTo(1, 4);
    }
    const plain = new Pca({ dim, components: 4, solver: 'exact' });
    plain.train(x);
    const a = plain.reconstruct(plain.apply(x.subarray(0, dim)));
    const b = pca.reconstruct(pca.apply(x.subarray(0, dim)));
    for (let j = 0; j < dim; j++) expect(b[j]).toBeCloseTo(a[j], 3);
  });

  it('is deterministic: same seed and data give byte-identical files', () => {
    for (const solver of ['exact', 'randomized'] as const) {
      const a = new Pca({ dim, components: 6, solver, seed: 5 });
      const b = new Pca({ dim, components: 6, solver, seed: 5 });
      a.train(x);
      b.train(x);
      expect(a.serialize()).toEqual(b.serialize());
    }
    const c = new Pca({ dim, components: 6, solver: 'randomized', seed: 6, powerIterations: 0, oversampling: 0 });
    const d = new Pca({ dim, components: 6, solver: 'randomized', seed: 5, powerIterations: 0, oversampling: 0 });
    c.train(x);
    d.train(x);
    expect(c.serialize()).not.toEqual(d.serialize());
  });

  it('round-trips through serialize / deserialize, trained or not', () => {
    const pca = new Pca({ dim, components: 3, whiten: true, solver: 'randomized', seed: 9, oversampling: 4, powerIterations: 3 });
    const untrained = Pca.deserialize(pca.serialize());
    expect(untrained.isTrained).toBe(false);
    expect(untrained.oversampling).toBe(4);
    pca.train(x);
    const back = Pca.deserialize(pca.serialize());
    expect(back.isTrained).toBe(true);
    expect(back.solverUsed).toBe('randomized');
    expect(back.powerIterationsUsed).toBe(3);
    expect(back.whiten).toBe(true);
    expect(Array.from(back.explainedVarianceRatio)).toEqual(Array.from(pca.explainedVarianceRatio));
    expect(back.apply(x)).toEqual(pca.apply(x));
    expect(back.serialize()).toEqual(pca.serialize());
    const damaged = pca.serialize();
    damaged[damaged.length >> 1] ^= 0xff;
    expectCode(() => Pca.deserialize(damaged), 'CORRUPT_DATA');
  });

  it('auto picks the cheaper solver and says which', () => {
    const small = new Pca({ dim, components: 3 });
    small.train(x);
    expect(small.solver).toBe('auto');
    const est = small.costEstimate(n);
    expect(small.solverUsed).toBe(est.exact <= est.randomized ? 'exact' : 'randomized');
    // Wide data with few components: the randomized estimate wins.
    const wide = new Pca({ dim: 4000, components: 2, powerIterations: 1, oversampling: 2 });
    const est2 = wide.costEstimate(50);
    expect(est2.randomized).toBeLessThan(est2.exact);
  });

  it('refuses bad input with typed errors', () => {
    expectCode(() => new Pca({ dim: 4, components: 5 }), 'INVALID_PARAMETER');
    expectCode(() => new Pca({ dim: 4, components: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new Pca({ dim: 4, components: 2, solver: 'svd' as never }), 'INVALID_PARAMETER');
    expectCode(() => new Pca({ dim: 4, components: 2, oversampling: -1 }), 'INVALID_PARAMETER');
    expectCode(() => new Pca({ dim: 4, components: 2, whiten: 1 as never }), 'INVALID_PARAMETER');
    expectCode(() => new Pca({ dim: 4, components: 2, compnents: 3 } as never), 'INVALID_PARAMETER');
    const pca = new Pca({ dim: 4, components: 3 });
    expectCode(() => pca.apply(new Float32Array(4)), 'NOT_TRAINED');
    expectCode(() => pca.reconstruct(new Float32Array(3)), 'NOT_TRAINED');
    expectCode(() => pca.train(new Float32Array(8)), 'INVALID_PARAMETER'); // 2 samples < 3 components
    expectCode(() => pca.train(new Float32Array(0)), 'EMPTY_INDEX');
    expectCode(() => pca.train(new Float32Array(7)), 'DIMENSION_MISMATCH');
    const nan = new Float32Array(16);
    nan[5] = NaN;
    expectCode(() => pca.train(nan), 'NON_FINITE');
    expect(pca.isTrained).toBe(false);
    pca.train(anisotropic(10, 4, [3, 2, 1], 1));
    expectCode(() => pca.apply(new Float32Array(5)), 'DIMENSION_MISMATCH');
    expectCode(() => pca.reconstruct(new Float32Array(4)), 'DIMENSION_MISMATCH');
    const inf = new Float32Array(4);
    inf[0] = Infinity;
    expectCode(() => pca.apply(inf), 'NON_FINITE');
    expect(isAnnlabError(new AnnlabError('IO', 'x'))).toBe(true);
  });

  it('handles rank-deficient data (duplicate rows, constant features)', () => {
    const rows = new Float32Array(20 * 6);
    for (let i = 0; i < 20; i++) {
      rows[i * 6] = i % 2;
      rows[i * 6 + 1] = 7;
    }
    for (const solver of ['exact', 'randomized'] as const) {
      const pca = new Pca({ dim: 6, components: 4, solver, whiten: true });
      pca.train(rows);
      expect(orthonormalityError(pca.componentMatrix, 4, 6)).toBeLessThan(1e-9);
      expect(pca.eigenvalues[0]).toBeGreaterThan(0);
      for (let c = 1; c < 4; c++) expect(pca.eigenvalues[c]).toBeLessThan(1e-9);
      const y = pca.apply(rows);
      for (const v of y) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
