/**
 * Parallel builds on real workers: the forest's trees (`RpForestIndex.addAsync`), k-means
 * assignment steps (`KMeans.trainAsync`) and PCA's passes over the data (`Pca.trainAsync`)
 * give the bytes of the single-threaded build for 1, 2 and 3 threads.
 */
import { KMeans } from '@annlab/ivfpq';
import { Pca } from '@annlab/pca';
import { RpForestIndex } from '@annlab/rpforest';
import { clustered } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { createThreadPool } from '../src/index.js';
import { expectThreadsBackTo, osThreads } from './helpers.js';

describe('parallel builds on worker threads', () => {
  it('RpForestIndex.addAsync: 1, 2 and 3 threads serialize to the bytes of add', async () => {
    const before = osThreads();
    const dim = 12;
    const data = clustered(1500, dim, 8, 21, { spread: 0.3 });
    for (const metric of ['euclidean', 'inner-product'] as const) {
      const options = { dim, metric, nTrees: 7, seed: 4 };
      const serial = new RpForestIndex(options);
      serial.add(data);
      const bytes = serial.serialize();
      for (const threads of [1, 2, 3]) {
        const pool = createThreadPool({ threads });
        try {
          const ix = new RpForestIndex(options);
          await ix.addAsync(data, { pool });
          expect(ix.serialize()).toEqual(bytes);
        } finally {
          await pool.close();
        }
      }
    }
    expect(await expectThreadsBackTo(before)).toBeLessThanOrEqual(before);
  });

  it('KMeans.trainAsync: 1, 2 and 3 threads give the centroids of train', async () => {
    const dim = 16;
    const x = clustered(7000, dim, 20, 5, { spread: 0.4 });
    for (const spherical of [false, true]) {
      const options = { dim, k: 32, niter: 4, seed: 8, spherical };
      const ref = new KMeans(options);
      ref.train(x);
      for (const threads of [1, 2, 3]) {
        const pool = createThreadPool({ threads });
        try {
          const km = new KMeans(options);
          await km.trainAsync(x, { pool });
          expect(km.centroids).toEqual(ref.centroids);
          expect(km.objective).toEqual(ref.objective);
        } finally {
          await pool.close();
        }
      }
    }
  });

  it('Pca.trainAsync: 1, 2 and 3 threads give the transform of train', async () => {
    const dim = 40;
    const x = clustered(5000, dim, 12, 7, { spread: 0.5 }); // three chunks of 2,048 rows
    // The exact solver, the randomized one's Gram route, and its streaming route (l = 2).
    for (const [solver, components, oversampling] of [
      ['exact', 6, 10],
      ['randomized', 6, 10],
      ['randomized', 2, 0],
    ] as const) {
      const options = { dim, components, oversampling, solver, powerIterations: 2, seed: 5 };
      const ref = new Pca(options);
      ref.train(x);
      for (const threads of [1, 2, 3]) {
        const pool = createThreadPool({ threads });
        try {
          const pca = new Pca(options);
          await pca.trainAsync(x, { pool });
          expect(pca.mean).toEqual(ref.mean);
          expect(pca.componentMatrix).toEqual(ref.componentMatrix);
          expect(pca.eigenvalues).toEqual(ref.eigenvalues);
          expect(pca.serialize()).toEqual(ref.serialize());
        } finally {
          await pool.close();
        }
      }
    }
  });

  it('a worker failure rejects the build and leaves the index empty', async () => {
    const pool = createThreadPool({ threads: 2 });
    const ix = new RpForestIndex({ dim: 4, nTrees: 3 });
    await pool.close(); // a closed pool refuses every run
    await expect(ix.addAsync(clustered(100, 4, 2, 1), { pool })).rejects.toThrow(/closed/);
    expect(ix.size).toBe(0);
  });
});
