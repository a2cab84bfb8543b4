/**
 * Chunked assignment equals one pass, and k-means trained with its assignment steps on a pool
 * of 1, 2 or 3 (in-process, out-of-order) workers gives the bytes of `train`.
 */
import { describe, expect, it } from 'vitest';
import { normalizeInPlace, type KernelBackend } from '@annlab/core';
import { IvfFlatIndex, IvfPqIndex, KMeans, ProductQuantizer } from '@annlab/ivfpq';
import { InProcessPool, clustered, expectRejectedCode } from '@annlab/test-kit';
import { ASSIGN_CHUNK_ROWS, AssignScratch, assignNearest, assignStepInChunks, centroidStore } from '../src/internal/assign.js';
import { ASSIGN_TASK, type AssignTaskPayload, type TaskPool, assignTask } from '../src/internal/parallel-assign.js';

/** Tasks as a worker has them registered. */
const TASKS = { [ASSIGN_TASK]: (p: unknown) => assignTask(p as AssignTaskPayload) };

const BACKENDS: KernelBackend[] = ['js', 'auto'];

describe('chunked assignment', () => {
  for (const kernels of BACKENDS) {
    it(`${kernels}: chunks (in order, or as tasks) give the labels and distances of one pass`, () => {
      const dim = 13;
      const k = 37;
      const n = 2 * ASSIGN_CHUNK_ROWS + 333; // a partial last chunk
      const x = clustered(n, dim, 9, 4, { spread: 0.4 });
      const centroids = clustered(k, dim, 9, 5);
      for (const dotMode of [false, true]) {
        const bias = dotMode ? 1 : 0;
        const store = centroidStore(centroids, k, dim, kernels);
        const labels = new Int32Array(n);
        const dists = new Float64Array(n);
        assignNearest(x, 0, n, dim, store, k, dotMode, bias, labels, dists, new AssignScratch(dim, k));
        const step = { points: x, n, dim, centroids, k, dotMode, bias, labels: new Int32Array(n), dists: new Float64Array(n) };
        assignStepInChunks(step, store, new AssignScratch(dim, k));
        expect(step.labels).toEqual(labels);
        expect(step.dists).toEqual(dists);
        const r = assignTask({ points: x, dim, centroids, k, dotMode, bias, kernels, rowStart: ASSIGN_CHUNK_ROWS, rowEnd: n });
        expect(r.labels).toEqual(labels.subarray(ASSIGN_CHUNK_ROWS));
        expect(r.dists).toEqual(dists.subarray(ASSIGN_CHUNK_ROWS));
      }
    });
  }
});

describe('KMeans.trainAsync on a pool', () => {
  for (const kernels of BACKENDS) {
    for (const spherical of [false, true]) {
      it(`${kernels}, ${spherical ? 'spherical' : 'L2'}: 1, 2 and 3 workers give the centroids of train`, async () => {
        const dim = 10;
        const n = 3 * ASSIGN_CHUNK_ROWS + 100;
        const x = clustered(n, dim, 12, 8, { spread: 0.5 });
        if (spherical) for (let i = 0; i < n; i++) normalizeInPlace(x, i * dim, dim);
        // 40 centroids × 256 points per centroid caps the sample above n: every point is used.
        const options = { dim, k: 40, niter: 5, seed: 3, spherical, kernels, init: 'kmeans++' } as const;
        const ref = new KMeans(options);
        ref.train(x);
        for (const threads of [1, 2, 3]) {
          const km = new KMeans(options);
          const pool = new InProcessPool(TASKS, threads);
          const seen: number[] = [];
          await km.trainAsync(x, { pool, onProgress: (done) => seen.push(done) });
          expect(pool.calls).toBe(5 * 4); // niter × chunks
          expect(seen).toEqual([1, 2, 3, 4, 5]);
          expect(km.centroids).toEqual(ref.centroids);
          expect(km.objective).toEqual(ref.objective);
          expect(km.splits).toBe(ref.splits);
          expect(km.isTrained).toBe(true);
        }
      });
    }
  }

  it('subsampled training: the sample goes to the workers, same centroids', async () => {
    const x = clustered(5000, 6, 4, 2);
    const options = { dim: 6, k: 8, niter: 4, seed: 9, maxPointsPerCentroid: 300 } as const; // 2,400 of 5,000
    const ref = new KMeans(options);
    ref.train(x);
    const km = new KMeans(options);
    await km.trainAsync(x, { pool: new InProcessPool(TASKS, 2) });
    expect(km.centroids).toEqual(ref.centroids);
  });

  it('without a pool it is train; a failed task or a throwing callback changes nothing', async () => {
    const x = clustered(3000, 5, 4, 2);
    const ref = new KMeans({ dim: 5, k: 6, niter: 3 });
    ref.train(x);
    const km = new KMeans({ dim: 5, k: 6, niter: 3 });
    await km.trainAsync(x);
    expect(km.centroids).toEqual(ref.centroids);

    const failing = new KMeans({ dim: 5, k: 6, niter: 3 });
    await expect(failing.trainAsync(x, { pool: new InProcessPool(TASKS, 2, 2) })).rejects.toThrow('worker died');
    expect(failing.isTrained).toBe(false);
    const boom = new Error('stop');
    const throwing = (): void => {
      throw boom;
    };
    await expect(failing.trainAsync(x, { pool: new InProcessPool(TASKS, 2), onProgress: throwing })).rejects.toBe(boom);
    expect(failing.isTrained).toBe(false);
    expect(failing.centroids).toEqual(new Float32Array(30));
  });

  it('refuses a bad pool, unknown keys and too few points', async () => {
    const x = clustered(100, 4, 2, 2);
    const km = new KMeans({ dim: 4, k: 5 });
    await expectRejectedCode(km.trainAsync(x, { pool: {} as TaskPool }), 'INVALID_PARAMETER');
    await expectRejectedCode(km.trainAsync(x, { pool: new InProcessPool(TASKS, 1), threads: 2 } as never), 'INVALID_PARAMETER');
    await expectRejectedCode(new KMeans({ dim: 4, k: 200 }).trainAsync(x, { pool: new InProcessPool(TASKS, 1) }), 'INVALID_PARAMETER');
  });
});

describe('IVF and PQ trainAsync on a pool', () => {
  it('ProductQuantizer: 1, 2 and 3 workers give the codebooks of train', async () => {
    const x = clustered(3000, 12, 10, 6, { spread: 0.4 });
    const options = { dim: 12, m: 4, nbits: 6, niter: 4, seed: 2, kernels: 'auto' } as const;
    const ref = new ProductQuantizer(options);
    ref.train(x);
    for (const threads of [1, 2, 3]) {
      const pq = new ProductQuantizer(options);
      const seen: number[] = [];
      await pq.trainAsync(x, { pool: new InProcessPool(TASKS, threads), onProgress: (done) => seen.push(done) });
      expect(pq.centroids).toEqual(ref.centroids);
      expect(seen).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(pq.serialize()).toEqual(ref.serialize());
    }
  });

  for (const metric of ['euclidean', 'cosine'] as const) {
    it(`${metric}: IVF-Flat and IVF-PQ trained on 1, 2 and 3 workers serialize to the bytes of add`, async () => {
      const dim = 16;
      const x = clustered(5000, dim, 24, 13, { spread: 0.4 });
      const flatOptions = { dim, metric, nlist: 24, niter: 5, seed: 6 } as const;
      const pqOptions = { dim, metric, nlist: 16, m: 4, nbits: 5, niter: 4, pqNiter: 3, seed: 6 } as const;
      const flatRef = new IvfFlatIndex(flatOptions);
      flatRef.add(x);
      const pqRef = new IvfPqIndex(pqOptions);
      pqRef.add(x);
      for (const threads of [1, 2, 3]) {
        const flat = new IvfFlatIndex(flatOptions);
        await flat.trainAsync(x, { pool: new InProcessPool(TASKS, threads) });
        flat.add(x);
        expect(flat.serialize()).toEqual(flatRef.serialize());
        const pq = new IvfPqIndex(pqOptions);
        const seen: number[] = [];
        await pq.trainAsync(x, { pool: new InProcessPool(TASKS, threads), onProgress: (done, total) => seen.push(done / total) });
        expect(seen.at(-1)).toBe(1);
        pq.add(x);
        expect(pq.serialize()).toEqual(pqRef.serialize());
      }
    });
  }

  it('IVF-PQ: a failed task leaves the index untrained; unknown keys are refused', async () => {
    const x = clustered(2000, 8, 8, 1);
    const ix = new IvfPqIndex({ dim: 8, nlist: 8, m: 2, nbits: 4, niter: 3, pqNiter: 3 });
    await expect(ix.trainAsync(x, { pool: new InProcessPool(TASKS, 2, 5) })).rejects.toThrow('worker died');
    expect(ix.isTrained).toBe(false);
    await expectRejectedCode(ix.trainAsync(x, { pool: new InProcessPool(TASKS, 2), threads: 2 } as never), 'INVALID_PARAMETER');
    await expectRejectedCode(new IvfFlatIndex({ dim: 8, nlist: 4 }).trainAsync(x, { pool: 3 as never }), 'INVALID_PARAMETER');
    await ix.trainAsync(x); // no pool: train
    expect(ix.isTrained).toBe(true);
  });
});
