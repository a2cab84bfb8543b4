import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { l2SquaredRef } from '@annlab/core';
import { computeGroundTruth, loadDataset, readHdf5Dataset, writeHdf5Dataset } from '@annlab/datasets';
import { removeDir, tempDir } from './helpers.js';

const root = process.env.ANNLAB_SHARED_DATASETS ?? fileURLToPath(new URL('../../../shared/datasets', import.meta.url));
const fashion = join(root, 'fashion-mnist');
const sift = join(root, 'siftsmall');
const tmp = tempDir('data');
afterAll(() => removeDir(tmp));

/** Bitwise equality of two typed arrays (vitest's toEqual is far too slow for 47M elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.constructor === b.constructor &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

function sum(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return s;
}

describe('Fashion-MNIST from ../shared/datasets (data suite)', () => {
  it('loads 60000 × 784 base and 10000 × 784 queries with the pixels intact', async () => {
    expect(existsSync(fashion), `Fashion-MNIST not found at ${fashion}; set ANNLAB_SHARED_DATASETS`).toBe(true);
    const t0 = performance.now();
    const ds = await loadDataset(fashion);
    const ms = performance.now() - t0;
    console.log(`Fashion-MNIST load: ${ms.toFixed(0)} ms`);
    expect(ds.dim).toBe(784);
    expect(ds.metric).toBe('euclidean');
    expect(ds.base.length).toBe(60000 * 784);
    expect(ds.queries.length).toBe(10000 * 784);
    // Known values (computed independently with Python's gzip module).
    expect(sum(ds.base)).toBe(3431114169);
    expect(sum(ds.queries)).toBe(573469082);
    expect(sum(ds.base, 0, 784)).toBe(76247);
    expect(sum(ds.base, 59999 * 784)).toBe(16684);
    expect(sum(ds.queries, 0, 784)).toBe(33456);
    expect(sum(ds.queries, 9999 * 784)).toBe(24390);
    expect(Array.from(ds.base.subarray(784 + 300, 784 + 310))).toEqual([201, 212, 225, 215, 193, 113, 0, 0, 0, 0]);
    expect(Array.from(ds.queries.subarray(784 + 300, 784 + 310))).toEqual([255, 237, 239, 250, 0, 0, 0, 0, 0, 0]);
    // And byte for byte against an independent decode of the same file.
    const raw = gunzipSync(readFileSync(join(fashion, 't10k-images-idx3-ubyte.gz')));
    for (let i = 0; i < ds.queries.length; i += 997) expect(ds.queries[i]).toBe(raw[16 + i]);
  });

  it('resolves the registry name through ANNLAB_LOCAL_DATASETS, with queries cut and ground truth computed', async () => {
    const saved = process.env.ANNLAB_LOCAL_DATASETS;
    process.env.ANNLAB_LOCAL_DATASETS = root;
    try {
      const ds = await loadDataset('fashion-mnist-784-euclidean', { maxQueries: 50, k: 10, cacheDir: tmp });
      expect(ds.name).toBe('fashion-mnist-784-euclidean');
      expect(ds.queries.length).toBe(50 * 784);
      expect(ds.groundTruthK).toBe(10);
      // First query's nearest neighbour, by a plain scan.
      let best = -1;
      let bestD = Infinity;
      for (let i = 0; i < 60000; i++) {
        const d = l2SquaredRef(ds.queries, 0, ds.base, i * 784, 784);
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      }
      expect(ds.groundTruth![0]).toBe(best);
    } finally {
      if (saved === undefined) delete process.env.ANNLAB_LOCAL_DATASETS;
      else process.env.ANNLAB_LOCAL_DATASETS = saved;
    }
  });
});

describe('SIFT-10K from ../shared/datasets (data suite)', () => {
  it('loads, and its shipped ground truth agrees with the flat index (ties aside: distances compared)', async () => {
    expect(existsSync(sift), `SIFT-10K not found at ${sift}; set ANNLAB_SHARED_DATASETS`).toBe(true);
    const ds = await loadDataset(sift);
    expect(ds).toMatchObject({ name: 'siftsmall', metric: 'euclidean', dim: 128, groundTruthK: 100 });
    expect(ds.base.length).toBe(10000 * 128);
    expect(ds.queries.length).toBe(100 * 128);
    expect(Array.from(ds.groundTruth!.subarray(0, 5))).toEqual([2176, 3752, 882, 4009, 2837]);
    const gt = computeGroundTruth(ds.base, ds.queries, 128, 'euclidean', 100);
    let sameIds = 0;
    for (let q = 0; q < 100; q++) {
      expect(gt.ids[q * 100]).toBe(ds.groundTruth![q * 100]); // top-1 has no ties here
      for (let j = 0; j < 100; j++) {
        const shipped = Math.sqrt(l2SquaredRef(ds.queries, q * 128, ds.base, ds.groundTruth![q * 100 + j] * 128, 128));
        expect(Math.abs(shipped - gt.distances[q * 100 + j])).toBeLessThanOrEqual(1e-3 + 1e-6 * shipped);
        if (gt.ids[q * 100 + j] === ds.groundTruth![q * 100 + j]) sameIds++;
      }
    }
    // Rows differ only by the order of equal distances (SOURCE.md: 91 of 100 rows identical).
    expect(sameIds).toBeGreaterThan(9900);
  });
});

describe('ann-benchmarks HDF5 written by the library (data suite)', () => {
  it('SIFT-10K and Fashion-MNIST read back identically', async () => {
    const s = await loadDataset(sift);
    const sFile = join(tmp, 'siftsmall-128-euclidean.hdf5');
    await writeHdf5Dataset(sFile, s);
    const sBack = await loadDataset(sFile);
    expect(sBack).toMatchObject({ name: 'siftsmall-128-euclidean', metric: 'euclidean', dim: 128, groundTruthK: 100 });
    expect(sameBytes(sBack.base, s.base)).toBe(true);
    expect(sameBytes(sBack.queries, s.queries)).toBe(true);
    expect(sameBytes(sBack.groundTruth!, s.groundTruth!)).toBe(true);

    const f = await loadDataset(fashion);
    const fFile = join(tmp, 'fashion-mnist-784-euclidean.hdf5');
    const t0 = performance.now();
    await writeHdf5Dataset(fFile, f);
    const t1 = performance.now();
    const h = await readHdf5Dataset(fFile);
    console.log(`Fashion-MNIST HDF5 write ${(t1 - t0).toFixed(0)} ms, read ${(performance.now() - t1).toFixed(0)} ms`);
    expect(h.metric).toBe('euclidean');
    expect(h.dim).toBe(784);
    expect(sameBytes(h.base, f.base)).toBe(true);
    expect(sameBytes(h.queries, f.queries)).toBe(true);
    expect(h.groundTruthK).toBe(0);
  });
});
