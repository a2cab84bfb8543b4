/**
 * PCA fits on a worker pool (`Pca.trainAsync`, `internal/parallel-pass.ts`): each pass over
 * the data cut into fixed chunks, one task per chunk, partials added in chunk order. With the
 * in-process pool (tasks finished in reverse order within a batch, as workers may), 1, 2 and 3
 * "threads" give the bytes of `train`, for the exact solver and for the randomized one on
 * every route (streaming float64 / float32, Gram float64 / float32). Failures leave the
 * transform as it was; bad options are refused.
 */
import { describe, expect, it } from 'vitest';
import { Rng, simdSupported, type KernelBackend } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { InProcessPool, expectRejectedCode } from '@annlab/test-kit';
import {
  PCA_PASS_TASK,
  Pca,
  type PcaOptions,
  type PcaPassPayload,
  PreTransformIndex,
  type PreTransformIndexOptions,
  pcaPassTask,
} from '@annlab/pca';
import type { TaskPool } from '@annlab/core';
import { type RandomizedRoute, fitRandomized, randomizedSteps } from '../src/internal/fit.js';
import { PoolPassRunner, runFitOnPool } from '../src/internal/parallel-pass.js';
import { PASS_CHUNK_ROWS, chunkCount } from '../src/internal/row-pass.js';
import { anisotropic } from './helpers.js';

/** Tasks as a worker has them registered. */
const TASKS = { [PCA_PASS_TASK]: (p: unknown) => pcaPassTask(p as PcaPassPayload) };

const simd = simdSupported();

/** The trained state of a transform, every field that `train` sets. */
function state(p: Pca): unknown[] {
  return [
    Array.from(p.mean),
    Array.from(p.componentMatrix),
    Array.from(p.eigenvalues),
    Array.from(p.explainedVarianceRatio),
    p.totalVariance,
    p.solverUsed,
    p.backendUsed,
    p.powerIterationsUsed,
    p.nSamples,
  ];
}

/** Fit with `train`, then with `trainAsync` on 1, 2 and 3 threads: the same bytes each time. */
async function expectPoolFitsEqualTrain(x: Float32Array, options: PcaOptions, passes: number): Promise<Pca> {
  const n = x.length / options.dim;
  const ref = new Pca(options);
  ref.train(x);
  for (const threads of [1, 2, 3]) {
    const pca = new Pca(options);
    const pool = new InProcessPool(TASKS, threads);
    await pca.trainAsync(x, { pool });
    expect(pool.calls).toBe(passes * chunkCount(n));
    expect(state(pca)).toEqual(state(ref));
    expect(pca.serialize()).toEqual(ref.serialize());
  }
  return ref;
}

describe('Pca.trainAsync on a pool', () => {
  const n = 2 * PASS_CHUNK_ROWS + 517; // three chunks, the last one partial

  for (const kernels of ['js', 'auto'] as KernelBackend[]) {
    it(`${kernels}: the exact solver gives the bytes of train for 1, 2 and 3 threads`, async () => {
      const dim = 24;
      const x = anisotropic(n, dim, [9, 6, 4, 3, 2, 1], 3, 0.3);
      const ref = await expectPoolFitsEqualTrain(x, { dim, components: 5, solver: 'exact', kernels }, 2);
      expect(ref.solverUsed).toBe('exact');
    });

    it(`${kernels}: the randomized solver's streaming route gives the bytes of train`, async () => {
      // dim > 4·(q + 1)·l: the streaming passes are cheaper than forming the Gram matrix.
      const dim = 120;
      const x = anisotropic(n, dim, [9, 6, 4, 3, 2, 1], 4, 0.3);
      const ref = await expectPoolFitsEqualTrain(
        x,
        { dim, components: 4, oversampling: 3, powerIterations: 2, solver: 'randomized', kernels },
        1 + 3,
      );
      expect(ref.solverUsed).toBe('randomized');
    });

    it(`${kernels}: the randomized solver's Gram route gives the bytes of train`, async () => {
      const dim = 20;
      const x = anisotropic(n, dim, [9, 6, 4, 3, 2, 1], 5, 0.3);
      // Means and the Gram matrix: two passes, whatever the power iterations.
      await expectPoolFitsEqualTrain(x, { dim, components: 4, powerIterations: 5, solver: 'randomized', kernels }, 2);
    });
  }

  it.runIf(simd)('the float32 passes (streaming and Gram) give the bytes of the in-thread fit', async () => {
    const dim = 44;
    const x = anisotropic(n, dim, [9, 6, 4, 3, 2, 1], 6, 0.3);
    for (const route of ['stream', 'gram'] as RandomizedRoute[]) {
      for (const l of [6, 13]) {
        const ref = fitRandomized(x, n, dim, 4, l, 2, new Rng(7), 'auto', 0, route);
        expect(ref.backend).toBe('simd');
        for (const threads of [1, 2, 3]) {
          const steps = randomizedSteps(n, dim, 4, l, 2, new Rng(7), 'auto', 0, route);
          const fit = await runFitOnPool(steps, new PoolPassRunner(new InProcessPool(TASKS, threads), x, n, dim));
          expect(fit).toEqual(ref);
        }
      }
    }
  });

  it('the float32 streaming pass through the public class (a product of 2^25 multiply-adds)', async () => {
    // n·dim·l = 4,600 × 300 × 25 ≥ 2^25, and dim > 4·l: the float32 streaming pass on SIMD.
    const rows = 4600;
    const dim = 300;
    const x = anisotropic(rows, dim, [9, 6, 4, 3, 2, 1], 8, 0.3);
    await expectPoolFitsEqualTrain(x, { dim, components: 15, oversampling: 10, powerIterations: 0, solver: 'randomized' }, 2);
  });

  it('small batches (one chunk) and the caller changing its array meanwhile', async () => {
    const dim = 10;
    const x = anisotropic(300, dim, [5, 3, 2], 9, 0.2);
    const ref = new Pca({ dim, components: 3 });
    ref.train(x);
    const pca = new Pca({ dim, components: 3 });
    const copy = Float32Array.from(x);
    const done = pca.trainAsync(copy, { pool: new InProcessPool(TASKS, 2) });
    copy.fill(7); // the rows went to shared memory when the call started
    await done;
    expect(state(pca)).toEqual(state(ref));
  });

  it('without a pool it is train', async () => {
    const dim = 12;
    const x = anisotropic(500, dim, [5, 3, 2], 10, 0.2);
    const ref = new Pca({ dim, components: 4, solver: 'randomized' });
    ref.train(x);
    for (const options of [undefined, {}, { pool: undefined }]) {
      const pca = new Pca({ dim, components: 4, solver: 'randomized' });
      await pca.trainAsync(x, options);
      expect(state(pca)).toEqual(state(ref));
    }
  });

  it('a failed task rejects and leaves the transform as it was', async () => {
    const dim = 16;
    const x = anisotropic(n, dim, [5, 3, 2], 11, 0.2);
    for (const failAt of [0, 4]) {
      const fresh = new Pca({ dim, components: 3 });
      await expect(fresh.trainAsync(x, { pool: new InProcessPool(TASKS, 2, failAt) })).rejects.toThrow('worker died');
      expect(fresh.isTrained).toBe(false);
      expect(fresh.mean).toEqual(new Float64Array(0));
      expect(fresh.backendUsed).toBeNull();
    }
    const trained = new Pca({ dim, components: 3 });
    trained.train(x.subarray(0, 500 * dim));
    const bytes = trained.serialize();
    await expect(trained.trainAsync(x, { pool: new InProcessPool(TASKS, 3, 5) })).rejects.toThrow('worker died');
    expect(trained.serialize()).toEqual(bytes);
    expect(trained.nSamples).toBe(500);
  });

  it('refuses a bad pool, unknown keys, bad options and bad vectors', async () => {
    const dim = 6;
    const x = anisotropic(100, dim, [3, 2], 12, 0.2);
    const pca = new Pca({ dim, components: 2 });
    const pool = new InProcessPool(TASKS, 2);
    await expectRejectedCode(pca.trainAsync(x, { pool: {} as TaskPool }), 'INVALID_PARAMETER');
    await expectRejectedCode(pca.trainAsync(x, { pool, threads: 2 } as never), 'INVALID_PARAMETER');
    await expectRejectedCode(pca.trainAsync(x, 5 as never), 'INVALID_PARAMETER');
    await expectRejectedCode(pca.trainAsync(x, null as never), 'INVALID_PARAMETER');
    await expectRejectedCode(pca.trainAsync(x.subarray(0, dim), { pool }), 'INVALID_PARAMETER');
    await expectRejectedCode(pca.trainAsync(new Float32Array(0), { pool }), 'EMPTY_INDEX');
    await expectRejectedCode(pca.trainAsync(x.subarray(0, 7), { pool }), 'DIMENSION_MISMATCH');
    expect(pool.calls).toBe(0);
    expect(pca.isTrained).toBe(false);
  });
});

describe('PreTransformIndex on a pool', () => {
  const dim = 16;
  const x = anisotropic(PASS_CHUNK_ROWS + 300, dim, [8, 5, 3, 2, 1], 13, 0.3);
  const options: PreTransformIndexOptions = { dim, metric: 'euclidean', components: 6, inner: (o) => new FlatIndex(o), seed: 3 };

  it('addAsync and trainAsync give the bytes of add and train, for 1, 2 and 3 threads', async () => {
    const ref = new PreTransformIndex(options);
    ref.add(x);
    const bytes = ref.serialize();
    const trainedRef = new PreTransformIndex(options);
    trainedRef.train(x);
    trainedRef.add(x.subarray(0, 100 * dim));
    for (const threads of [1, 2, 3]) {
      const ix = new PreTransformIndex(options);
      const seen: number[] = [];
      await ix.addAsync(x, { pool: new InProcessPool(TASKS, threads), onProgress: (done) => seen.push(done) });
      expect(ix.serialize()).toEqual(bytes);
      expect(seen[0]).toBe(1);
      expect(seen.at(-1)).toBe(1 + 2 * (x.length / dim));
      const tr = new PreTransformIndex(options);
      await tr.trainAsync(x, { pool: new InProcessPool(TASKS, threads) });
      await tr.addAsync(x.subarray(0, 100 * dim), { pool: new InProcessPool(TASKS, threads) }); // trained: plain add
      expect(tr.serialize()).toEqual(trainedRef.serialize());
    }
  });

  it('a failed fit leaves the index empty and untrained; bad options are refused', async () => {
    const ix = new PreTransformIndex(options);
    await expect(ix.addAsync(x, { pool: new InProcessPool(TASKS, 2, 0) })).rejects.toThrow('worker died');
    expect(ix.size).toBe(0);
    expect(ix.isTrained).toBe(false);
    await expect(ix.trainAsync(x, { pool: new InProcessPool(TASKS, 2, 1) })).rejects.toThrow('worker died');
    expect(ix.isTrained).toBe(false);
    await expectRejectedCode(ix.addAsync(x, { pool: {} as TaskPool }), 'INVALID_PARAMETER');
    await expectRejectedCode(ix.addAsync(x, { threads: 2 } as never), 'INVALID_PARAMETER');
    await expectRejectedCode(ix.trainAsync(x, { onProgress: () => undefined } as never), 'INVALID_PARAMETER');
    await expectRejectedCode(ix.trainAsync(x, 3 as never), 'INVALID_PARAMETER');
    // An add while the fit is pending wins; the pending call then refuses to commit.
    const pending = ix.addAsync(x, { pool: new InProcessPool(TASKS, 2) });
    ix.add(x.subarray(0, 50 * dim));
    await expectRejectedCode(pending, 'UNSUPPORTED_OPERATION');
    expect(ix.size).toBe(50);
  });
});
