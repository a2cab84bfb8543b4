import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAnnlabError, normalizeInPlace } from '@annlab/core';
import { KMeans } from '@annlab/ivfpq';
import { clustered } from '@annlab/test-kit';

/** The shape of the seeded data these tests were tuned on. */
const DATA = { spread: 0.3, centreScale: 2 };

describe('KMeans', () => {
  it('objective never increases (property over seeds, shapes, init, spherical)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 20, max: 200 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (seed, dim, k, n, plusPlus, spherical, dupes) => {
          const x = clustered(n, dim, 4, seed, { spread: 0.5, centreScale: 2 });
          if (dupes) for (let i = 0; i < n / 2; i++) x.copyWithin(i * dim, 0, dim); // many identical rows
          if (spherical) for (let i = 0; i < n; i++) normalizeInPlace(x, i * dim, dim);
          const km = new KMeans({ dim, k, niter: 8, seed, init: plusPlus ? 'kmeans++' : 'random', spherical });
          km.train(x);
          const obj = km.objective;
          for (let t = 1; t < obj.length; t++) {
            expect(obj[t]).toBeLessThanOrEqual(obj[t - 1] + 1e-9 * Math.abs(obj[t - 1]) + 1e-12);
          }
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });

  it('is deterministic for a seed and finds well-separated clusters', () => {
    const x = clustered(600, 8, 5, 3, { spread: 0.05, centreScale: 2 });
    const a = new KMeans({ dim: 8, k: 5, seed: 1, init: 'kmeans++' });
    const b = new KMeans({ dim: 8, k: 5, seed: 1, init: 'kmeans++' });
    a.train(x);
    b.train(x);
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    // With tight clusters, the final objective is about n · dim · spread².
    expect(a.objective[a.objective.length - 1]).toBeLessThan(600 * 8 * 0.05 * 0.05 * 1.5);
    const labels = a.assign(x);
    expect(labels.length).toBe(600);
  });

  it('re-seeds empty clusters and keeps spherical centroids at unit length', () => {
    // 10 distinct points, 8 copies each, k = 10: random init picks duplicates, so empties occur.
    const base = clustered(10, 4, 10, 5, { spread: 1, centreScale: 2 });
    const x = new Float32Array(80 * 4);
    for (let i = 0; i < 80; i++) x.set(base.subarray((i % 10) * 4, (i % 10) * 4 + 4), i * 4);
    const km = new KMeans({ dim: 4, k: 10, niter: 10, seed: 3 });
    km.train(x);
    expect(km.splits).toBeGreaterThan(0);
    expect(km.objective[km.objective.length - 1]).toBeLessThan(1e-9);
    const sp = new KMeans({ dim: 4, k: 3, niter: 5, seed: 3, spherical: true });
    sp.train(x);
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let j = 0; j < 4; j++) s += sp.centroids[c * 4 + j] ** 2;
      expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    }
  });

  it('subsamples and warns through onWarning, never the console', () => {
    const warnings: string[] = [];
    const km = new KMeans({ dim: 2, k: 4, niter: 2, onWarning: (w) => warnings.push(w) });
    km.train(clustered(50, 2, 4, 1, DATA));
    expect(warnings.length).toBe(1);
    expect(km.warnings[0]).toMatch(/39 per centroid/);
    const big = new KMeans({ dim: 2, k: 2, niter: 2, maxPointsPerCentroid: 10 });
    big.train(clustered(1000, 2, 2, 1, DATA));
    expect(big.warnings).toEqual([]);
  });

  it('refuses bad parameters with typed errors', () => {
    const err = (f: () => unknown, code: string) => {
      try {
        f();
      } catch (e) {
        expect(isAnnlabError(e, code as never)).toBe(true);
        return;
      }
      throw new Error('expected an AnnlabError');
    };
    err(() => new KMeans({ dim: 2, k: 0 }), 'INVALID_PARAMETER');
    err(() => new KMeans({ dim: 2, k: 2, init: 'bogus' as never }), 'INVALID_PARAMETER');
    err(() => new KMeans({ dim: 2, k: 2, nIter: 3 } as never), 'INVALID_PARAMETER');
    err(() => new KMeans({ dim: 2, k: 5 }).train(new Float32Array(8)), 'INVALID_PARAMETER');
    err(() => new KMeans({ dim: 2, k: 1 }).assign(new Float32Array(2)), 'NOT_TRAINED');
    err(() => new KMeans({ dim: 2, k: 1 }).train(new Float32Array([0, NaN])), 'NON_FINITE');
  });
});
