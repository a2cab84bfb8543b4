/**
 * The concurrent INSERT (`assembly/insert.ts`, `src/parallel-insert.ts`) against `add`, the
 * readable reference: the embedded bytes are current; run by one thread (the tasks of an
 * in-process pool run one after another) it builds the very bytes `add` builds, for every
 * metric and both selection rules, into an empty and into a non-empty index; a failed task
 * or a throwing progress callback leaves the index as it was; options are checked; calls
 * during the build are refused. Real worker threads are tested in `@annlab/threads`.
 */
import { Rng, type Metric } from '@annlab/core';
import { HnswIndex, INSERT_TASK, insertTask, type NeighborSelection } from '@annlab/hnsw';
import { InProcessPool, expectRejectedCode, expectCode } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import type { HnswState } from '../src/hnsw-state.js';
import { INSERT_SHARED_WASM_BASE64, INSERT_SOURCE_SHA256, INSERT_WASM_BASE64 } from '../src/internal/insert-wasm.generated.js';
import { compileInsert, compileSharedInsert, insertSourceHash } from '../scripts/build-wasm.mjs';

const DIM = 12;

/** Gaussian clusters with a block of exact duplicates and a few all-zero rows. */
function data(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n * DIM);
  const centres = new Float32Array(6 * DIM);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.nextGaussian() * 3;
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(6);
    for (let j = 0; j < DIM; j++) x[i * DIM + j] = centres[c * DIM + j] + rng.nextGaussian();
  }
  for (let i = 50; i < 80; i++) x.copyWithin(i * DIM, 49 * DIM, 50 * DIM);
  for (let i = 90; i < 93; i++) x.fill(0, i * DIM, (i + 1) * DIM);
  return x;
}

/** An in-process pool of `threads` that runs the INSERT task; run `failAt` rejects. */
function pool(threads: number, failAt = -1): InProcessPool {
  return new InProcessPool({ [INSERT_TASK]: (p) => insertTask(p as never) }, threads, failAt);
}

function options(metric: Metric, neighborSelection: NeighborSelection = 'heuristic') {
  return { dim: DIM, metric, M: 6, efConstruction: 30, seed: 9, capacity: 16, neighborSelection, kernels: 'simd' as const };
}

describe('HnswIndex.addAsync on a pool (concurrent INSERT)', () => {
  it('the embedded bytes were compiled from the current assembly/insert.ts and the files it imports', async () => {
    const fix = 'run `pnpm --filter @annlab/hnsw build:wasm` to regenerate src/internal/insert-wasm.generated.ts';
    expect(insertSourceHash(), `source changed since the bytes were generated: ${fix}`).toBe(INSERT_SOURCE_SHA256);
    expect(Buffer.from(await compileInsert()).toString('base64')).toBe(INSERT_WASM_BASE64);
    expect(Buffer.from(await compileSharedInsert()).toString('base64')).toBe(INSERT_SHARED_WASM_BASE64);
  });

  it('run by one thread, builds the bytes of the JS reference loop (every metric, both selection rules, empty and non-empty index)', async () => {
    const x = data(700, 3);
    const half = 300 * DIM;
    for (const metric of ['euclidean', 'cosine', 'inner-product'] as const) {
      for (const rule of ['heuristic', 'simple'] as const) {
        const ref = new HnswIndex(options(metric, rule));
        // No wasm traversal: add runs the JS loops of insert.ts and search-layer.ts.
        (ref as unknown as { s: HnswState }).s.traversal = null;
        ref.add(x.subarray(0, half));
        ref.add(x.subarray(half));
        const ix = new HnswIndex(options(metric, rule));
        await ix.addAsync(x.subarray(0, half), { pool: pool(2) });
        await ix.addAsync(x.subarray(half), { pool: pool(3) });
        expect(ix.serialize(), `${metric} ${rule}`).toEqual(ref.serialize());
        expect(ix.checkInvariants().ok).toBe(true);
      }
    }
  });

  it('a quantized index (sq8) builds the bytes of add too, codes included', async () => {
    const x = data(400, 12);
    const ref = new HnswIndex({ ...options('euclidean'), quantizer: 'sq8' });
    ref.add(x);
    const ix = new HnswIndex({ ...options('euclidean'), quantizer: 'sq8' });
    await ix.addAsync(x, { pool: pool(2) });
    expect(ix.serialize()).toEqual(ref.serialize());
    expect(ix.search(x.subarray(0, 5 * DIM), 3).ids).toEqual(ref.search(x.subarray(0, 5 * DIM), 3).ids);
  });

  it('a failed task leaves the index as it was, and it still builds afterwards', async () => {
    const x = data(400, 5);
    const ix = new HnswIndex(options('euclidean'));
    ix.add(x.subarray(0, 100 * DIM));
    const before = ix.serialize();
    // Run 0 fails; run 1 inserts every id first, so the failure undoes real work.
    await expect(ix.addAsync(x.subarray(100 * DIM), { pool: pool(2, 0) })).rejects.toThrow(/worker died/);
    expect(ix.serialize()).toEqual(before);
    expect(ix.idCount).toBe(100);
    const ref = new HnswIndex(options('euclidean'));
    ref.add(x.subarray(0, 100 * DIM));
    ref.add(x.subarray(100 * DIM));
    await ix.addAsync(x.subarray(100 * DIM), { pool: pool(2) });
    expect(ix.serialize()).toEqual(ref.serialize());
  });

  it('a throwing progress callback rejects and leaves the index as it was', async () => {
    const x = data(3000, 6);
    const ix = new HnswIndex(options('cosine'));
    ix.add(x.subarray(0, 10 * DIM));
    const before = ix.serialize();
    const onProgress = () => {
      throw new Error('stop here');
    };
    await expect(ix.addAsync(x.subarray(10 * DIM), { pool: pool(2), onProgress })).rejects.toThrow(/stop here/);
    expect(ix.serialize()).toEqual(before);
  });

  it('reports progress and ends with (n, n)', async () => {
    const x = data(500, 7);
    const calls: Array<[number, number]> = [];
    const ix = new HnswIndex(options('euclidean'));
    await ix.addAsync(x, { pool: pool(2), onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.at(-1)).toEqual([500, 500]);
  });

  it('refuses other calls while it runs', async () => {
    const x = data(300, 8);
    const ix = new HnswIndex(options('euclidean'));
    const running = ix.addAsync(x, { pool: pool(2) });
    expectCode(() => ix.search(x.subarray(0, DIM), 1), 'UNSUPPORTED_OPERATION');
    expectCode(() => ix.add(x.subarray(0, DIM)), 'UNSUPPORTED_OPERATION');
    expectCode(() => ix.serialize(), 'UNSUPPORTED_OPERATION');
    await running;
    expect(ix.size).toBe(300);
    expect(ix.search(x.subarray(0, DIM), 1).ids[0]).toBeGreaterThanOrEqual(0);
  });

  it('checks its options', async () => {
    const x = data(20, 1);
    const ix = new HnswIndex(options('euclidean'));
    await expectRejectedCode(ix.addAsync(x, { pool: pool(2), thread: 2 } as never), 'INVALID_PARAMETER');
    await expectRejectedCode(ix.addAsync(x, { pool: pool(2), threads: 3 }), 'INVALID_PARAMETER');
    await expectRejectedCode(ix.addAsync(x, { pool: pool(2), threads: 0 }), 'INVALID_PARAMETER');
    await expectRejectedCode(ix.addAsync(x, { pool: {} as never }), 'INVALID_PARAMETER');
    await expectRejectedCode(ix.addAsync(new Float32Array(5), { pool: pool(2) }), 'DIMENSION_MISMATCH');
    expect(ix.idCount).toBe(0);
  });

  it("inserts on the calling thread for a 'js' index, a one-thread pool and no pool (as add)", async () => {
    const x = data(200, 4);
    for (const [kernels, p] of [
      ['js', pool(2)],
      ['simd', pool(1)],
      ['simd', undefined],
    ] as const) {
      const ref = new HnswIndex({ ...options('euclidean'), kernels });
      ref.add(x);
      const ix = new HnswIndex({ ...options('euclidean'), kernels });
      await ix.addAsync(x, p === undefined ? {} : { pool: p });
      expect(ix.serialize()).toEqual(ref.serialize());
    }
  });
});
