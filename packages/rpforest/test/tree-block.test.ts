/**
 * Trees built in blocks and appended in order give the arrays of the one-by-one build, for
 * any split; and `addAsync` on a pool of 1, 2 or 3 (in-process, out-of-order) workers
 * serializes to the bytes of `add`.
 */
import { describe, expect, it } from 'vitest';
import { METRICS, VectorStore, type Metric } from '@annlab/core';
import { BUILD_TREES_TASK, RpForestIndex, buildTreesTask, type BuildTreesPayload, type TaskPool } from '@annlab/rpforest';
import { InProcessPool, clustered, expectRejectedCode } from '@annlab/test-kit';
import { SplitScratch, buildTreesInPlace, computeAugmentation } from '../src/internal/build.js';
import { FlatForest } from '../src/internal/flat-forest.js';
import { appendTreeBlock, buildTreeRange, buildTrees } from '../src/internal/tree-block.js';

/** The forest arrays the files are made of, up to the used counts. */
function arraysOf(f: FlatForest): unknown[] {
  return [
    f.innerCount,
    f.leafCount,
    f.leafItemsUsed,
    f.splitNormals.slice(0, f.innerCount * f.treeDim),
    f.splitOffsets.slice(0, f.innerCount),
    f.children.slice(0, f.innerCount * 2),
    f.leafStart.slice(0, f.leafCount),
    f.leafSizes.slice(0, f.leafCount),
    f.leafCap.slice(0, f.leafCount),
    f.leafItems.slice(0, f.leafItemsUsed),
    f.roots,
  ];
}

/** A forest over `data` as the index would hold it (normalised for cosine, augmented for inner product). */
function forestOver(data: Float32Array, dim: number, metric: Metric, leafSize: number): FlatForest {
  const store = new VectorStore(dim, { normalize: metric === 'cosine', kernels: 'js' });
  store.append(data);
  const treeDim = metric === 'inner-product' ? dim + 1 : dim;
  const forest = new FlatForest(store, treeDim, leafSize);
  if (treeDim > dim) computeAugmentation(forest, 0, store.size, true);
  return forest;
}

/** Tasks as a worker has them registered. */
const TASKS = { [BUILD_TREES_TASK]: (p: unknown) => buildTreesTask(p as BuildTreesPayload) };

describe('tree blocks', () => {
  for (const metric of METRICS) {
    it(`${metric}: blocks of any split, appended in order, equal the one-by-one build`, () => {
      const dim = 6;
      const data = clustered(400, dim, 5, 7, { spread: 0.3 });
      const reference = forestOver(data, dim, metric, 8);
      const items = reference.liveIds(400);
      buildTreesInPlace(reference, new SplitScratch(reference.treeDim), 42, 7, items);
      for (const split of [[7], [1, 1, 1, 1, 1, 1, 1], [3, 4], [2, 2, 3]]) {
        const forest = forestOver(data, dim, metric, 8);
        let t = 0;
        for (const count of split) {
          const block = buildTreeRange(
            forest.store.data,
            dim,
            forest.treeDim,
            8,
            metric === 'cosine',
            forest.extra,
            42,
            t,
            t + count,
            items,
          );
          appendTreeBlock(forest, block);
          t += count;
        }
        expect(arraysOf(forest)).toEqual(arraysOf(reference));
      }
      // The index's path: one tree per block.
      const viaBlocks = forestOver(data, dim, metric, 8);
      buildTrees(viaBlocks, 42, 7, items);
      expect(arraysOf(viaBlocks)).toEqual(arraysOf(reference));
    });
  }

  it('appending to a forest that holds trees continues its numbering (addTrees)', () => {
    const dim = 5;
    const data = clustered(300, dim, 4, 3);
    const reference = forestOver(data, dim, 'euclidean', 6);
    const items = reference.liveIds(300);
    buildTreesInPlace(reference, new SplitScratch(dim), 9, 5, items);
    const forest = forestOver(data, dim, 'euclidean', 6);
    buildTrees(forest, 9, 2, items);
    buildTrees(forest, 9, 3, items);
    expect(arraysOf(forest)).toEqual(arraysOf(reference));
  });

  it('refuses a block that is not the next trees', () => {
    const data = clustered(50, 3, 2, 1);
    const forest = forestOver(data, 3, 'euclidean', 4);
    const block = buildTreeRange(forest.store.data, 3, 3, 4, false, forest.extra, 1, 1, 2, forest.liveIds(50));
    expect(() => appendTreeBlock(forest, block)).toThrow(/does not follow/);
  });
});

describe('RpForestIndex.addAsync on a pool', () => {
  for (const metric of METRICS) {
    it(`${metric}: 1, 2 and 3 workers give the bytes of add`, async () => {
      const dim = 8;
      const data = clustered(600, dim, 6, 11, { spread: 0.3 });
      const options = { dim, metric, nTrees: 9, leafSize: 10, seed: 5, kernels: 'js' } as const;
      const serial = new RpForestIndex(options);
      serial.add(data);
      const bytes = serial.serialize();
      for (const threads of [1, 2, 3]) {
        const ix = new RpForestIndex(options);
        const pool = new InProcessPool(TASKS, threads);
        const seen: number[] = [];
        await ix.addAsync(data, { pool, onProgress: (done) => seen.push(done) });
        expect(pool.calls).toBe(9);
        expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(ix.serialize()).toEqual(bytes);
        expect(ix.checkInvariants().ok).toBe(true);
        // Later adds insert as add does.
        const more = clustered(50, dim, 2, 12);
        ix.add(more);
        const again = RpForestIndex.deserialize(bytes, { kernels: 'js' });
        await again.addAsync(more, { pool });
        expect(again.serialize()).toEqual(ix.serialize());
      }
    });
  }

  it('without a pool it is add; the SIMD-backed store gives the same bytes too', async () => {
    const data = clustered(300, 4, 3, 2);
    const a = new RpForestIndex({ dim: 4, nTrees: 4, seed: 3 });
    a.add(data);
    const b = new RpForestIndex({ dim: 4, nTrees: 4, seed: 3 });
    await b.addAsync(data);
    const c = new RpForestIndex({ dim: 4, nTrees: 4, seed: 3, kernels: 'auto' });
    await c.addAsync(data, { pool: new InProcessPool(TASKS, 2) });
    expect(b.serialize()).toEqual(a.serialize());
    expect(c.serialize()).toEqual(a.serialize());
  });

  it('a failed task or a throwing callback leaves the index empty', async () => {
    const data = clustered(200, 4, 3, 2);
    const ix = new RpForestIndex({ dim: 4, nTrees: 5, seed: 3, kernels: 'js' });
    await expect(ix.addAsync(data, { pool: new InProcessPool(TASKS, 2, 3) })).rejects.toThrow('worker died');
    expect(ix.size).toBe(0);
    expect(ix.idCount).toBe(0);
    const boom = new Error('stop');
    await expect(
      ix.addAsync(data, {
        pool: new InProcessPool(TASKS, 2),
        onProgress: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect(ix.size).toBe(0);
    await ix.addAsync(data, { pool: new InProcessPool(TASKS, 2) });
    const ref = new RpForestIndex({ dim: 4, nTrees: 5, seed: 3, kernels: 'js' });
    ref.add(data);
    expect(ix.serialize()).toEqual(ref.serialize());
  });

  it('refuses a bad pool, unknown keys, and a change made while the trees were built', async () => {
    const data = clustered(100, 4, 2, 2);
    const ix = new RpForestIndex({ dim: 4, nTrees: 3, kernels: 'js' });
    await expectRejectedCode(ix.addAsync(data, { pool: {} as TaskPool }), 'INVALID_PARAMETER');
    await expectRejectedCode(ix.addAsync(data, { pool: new InProcessPool(TASKS, 1), threads: 2 } as never), 'INVALID_PARAMETER');
    const pending = ix.addAsync(data, { pool: new InProcessPool(TASKS, 2) });
    ix.add(data);
    await expectRejectedCode(pending, 'UNSUPPORTED_OPERATION');
    expect(ix.size).toBe(100);
  });
});
