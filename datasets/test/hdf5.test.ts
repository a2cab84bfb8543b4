import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportedDistance } from '@annlab/core';
import { computeGroundTruth, readHdf5Dataset, writeHdf5Dataset } from '@annlab/datasets';
import { expectAnnlabErrorAsync, listFiles, removeDir, tempDir } from './helpers.js';

const dir = tempDir('hdf5');
afterAll(() => removeDir(dir));

/** Values below 1e-3 in magnitude as 0: a row of only such values is outside the range indexes accept (see checkVectors). */
function flushTiny(a: Float32Array): Float32Array {
  return a.map((v) => (Math.abs(v) < 1e-3 ? 0 : v));
}

describe('ann-benchmarks HDF5', () => {
  it('round-trips train/test/neighbors/distances and the metric', async () => {
    const cases = fc.sample(
      fc
        .record({
          n: fc.integer({ min: 1, max: 30 }),
          nq: fc.integer({ min: 1, max: 6 }),
          dim: fc.integer({ min: 1, max: 9 }),
          metric: fc.constantFrom('euclidean' as const, 'cosine' as const, 'inner-product' as const),
          withGt: fc.boolean(),
        })
        .chain((r) =>
          fc.record({
            r: fc.constant(r),
            base: fc
              .float32Array({ minLength: r.n * r.dim, maxLength: r.n * r.dim, noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
              .map(flushTiny),
            queries: fc
              .float32Array({ minLength: r.nq * r.dim, maxLength: r.nq * r.dim, noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
              .map(flushTiny),
          }),
        ),
      { seed: 7, numRuns: 12 },
    );
    for (const { r, base, queries } of cases) {
      const file = join(dir, 'rt.hdf5');
      const k = Math.min(3, r.n);
      const gt = r.withGt ? computeGroundTruth(base, queries, r.dim, r.metric, k) : undefined;
      await writeHdf5Dataset(file, {
        metric: r.metric,
        dim: r.dim,
        base,
        queries,
        groundTruth: gt?.ids,
        groundTruthK: k,
        distances: gt?.distances,
      });
      const h = await readHdf5Dataset(file);
      expect(h.metric).toBe(r.metric);
      expect(h.dim).toBe(r.dim);
      expect(h.base).toEqual(base);
      expect(h.queries).toEqual(queries);
      if (gt === undefined) {
        expect(h.groundTruthK).toBe(0);
        expect(h.groundTruth).toBeUndefined();
      } else {
        expect(h.groundTruthK).toBe(k);
        expect(h.groundTruth).toEqual(gt.ids);
        expect(h.distances).toEqual(gt.distances);
      }
      const cut = await readHdf5Dataset(file, { maxBase: 1, maxQueries: 1 });
      expect(cut.base).toEqual(base.subarray(0, r.dim));
      expect(cut.queries).toEqual(queries.subarray(0, r.dim));
    }
    expect(listFiles(dir)).toEqual(['rt.hdf5']); // the temp file was renamed, nothing else left
  });

  it("writes 'angular' for cosine and computes distances when only neighbours are given", async () => {
    const file = join(dir, 'ang.hdf5');
    const base = new Float32Array([1, 0, 0, 1, 1, 1]);
    const queries = new Float32Array([1, 0.1]);
    await writeHdf5Dataset(file, { metric: 'cosine', dim: 2, base, queries, groundTruth: new Int32Array([0, 2]), groundTruthK: 2 });
    const h5 = await import('h5wasm/node');
    await h5.ready;
    const f = new h5.File(file, 'r');
    expect(f.attrs.distance.value).toBe('angular');
    f.close();
    const h = await readHdf5Dataset(file);
    expect(h.metric).toBe('cosine');
    expect(h.distances?.[1]).toBeCloseTo(reportedDistance('cosine', queries, 0, base, 4, 2), 6);
  });

  it('refuses files that are not ann-benchmarks HDF5, naming the file', async () => {
    const h5 = await import('h5wasm/node');
    await h5.ready;
    const noTrain = join(dir, 'no-train.hdf5');
    const f = new h5.File(noTrain, 'w');
    f.create_dataset({ name: 'test', data: new Float32Array(4), shape: [2, 2], dtype: '<f' });
    f.close();
    await expectAnnlabErrorAsync(() => readHdf5Dataset(noTrain), 'WRONG_FORMAT', noTrain, "missing 'train'");

    const mismatch = join(dir, 'mismatch.hdf5');
    const g = new h5.File(mismatch, 'w');
    g.create_dataset({ name: 'train', data: new Float32Array(6), shape: [2, 3], dtype: '<f' });
    g.create_dataset({ name: 'test', data: new Float32Array(4), shape: [2, 2], dtype: '<f' });
    g.close();
    await expectAnnlabErrorAsync(() => readHdf5Dataset(mismatch), 'DIMENSION_MISMATCH', mismatch, "'train' has 3 columns but 'test' has 2");

    const nan = join(dir, 'nan.hdf5');
    await writeHdf5Dataset(nan, { metric: 'euclidean', dim: 2, base: new Float32Array([1, NaN]), queries: new Float32Array([0, 0]) });
    await expectAnnlabErrorAsync(() => readHdf5Dataset(nan), 'NON_FINITE', nan, "'train' row 0, column 1");

    const cut = join(dir, 'cut.hdf5');
    await writeHdf5Dataset(cut, { metric: 'euclidean', dim: 8, base: new Float32Array(8 * 500).fill(1), queries: new Float32Array(8) });
    writeFileSync(cut, readFileSync(cut).subarray(0, 1500));
    await expectAnnlabErrorAsync(() => readHdf5Dataset(cut), 'CORRUPT_DATA', cut);

    const text = join(dir, 'text.hdf5');
    writeFileSync(text, 'not hdf5 at all');
    await expectAnnlabErrorAsync(() => readHdf5Dataset(text), 'WRONG_FORMAT', text, 'not an HDF5 file');
    await expectAnnlabErrorAsync(() => readHdf5Dataset(join(dir, 'absent.hdf5')), 'NOT_FOUND', 'absent.hdf5');
  });
});
