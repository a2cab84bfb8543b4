import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  computeGroundTruth,
  loadDataset,
  loadDirectory,
  syntheticDataset,
  writeBvecs,
  writeFvecs,
  writeIdxUint8,
  writeIvecs,
  writeNpy,
} from '@annlab/datasets';
import { expectAnnlabError, expectAnnlabErrorAsync, removeDir, tempDir } from './helpers.js';

const root = tempDir('dir');
afterAll(() => removeDir(root));

const d = syntheticDataset({ n: 120, dim: 6, queries: 9, seed: 11 });
const gt = computeGroundTruth(d.base, d.queries, 6, 'euclidean', 5);

function texmex(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFvecs(join(dir, `${name}_base.fvecs`), d.base, 6);
  writeFvecs(join(dir, `${name}_query.fvecs`), d.queries, 6);
  writeIvecs(join(dir, `${name}_groundtruth.ivecs`), gt.ids, 5);
  writeFvecs(join(dir, `${name}_learn.fvecs`), d.base.subarray(0, 60), 6); // ignored
  return dir;
}

describe('directory datasets', () => {
  it('reads TEXMEX names, with ground truth, and cuts base/queries on request', async () => {
    const dir = texmex('tiny');
    const ds = await loadDataset(dir);
    expect(ds).toMatchObject({ name: 'tiny', metric: 'euclidean', dim: 6, groundTruthK: 5 });
    expect(ds.base).toEqual(d.base);
    expect(ds.queries).toEqual(d.queries);
    expect(ds.groundTruth).toEqual(gt.ids);
    const cut = await loadDataset(dir, { maxQueries: 4 });
    expect(cut.queries.length).toBe(4 * 6);
    expect(cut.groundTruth).toEqual(gt.ids.subarray(0, 20));
    // A cut base drops the shipped ground truth (its ids may point past the cut) ...
    const small = await loadDataset(dir, { maxBase: 50 });
    expect(small.base.length).toBe(50 * 6);
    expect(small.groundTruthK).toBe(0);
    // ... and recomputes it on request, in the cache.
    const cacheDir = join(root, 'cache');
    const withK = await loadDataset(dir, { maxBase: 50, k: 3, cacheDir });
    expect(withK.groundTruthK).toBe(3);
    expect(withK.groundTruth).toEqual(computeGroundTruth(d.base.subarray(0, 300), d.queries, 6, 'euclidean', 3).ids);
  });

  it('reads base/query/groundtruth names in fvecs, bvecs and npy, with dataset.json', async () => {
    const dir = join(root, 'plain');
    mkdirSync(dir);
    const bytes = Uint8Array.from(d.base, (v) => Math.abs(Math.round(v * 10)) % 256);
    writeBvecs(join(dir, 'base.bvecs'), bytes, 6);
    writeNpy(join(dir, 'query.npy'), d.queries, [9, 6]);
    writeNpy(join(dir, 'groundtruth.npy'), gt.ids, [9, 5]);
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ name: 'my-set', metric: 'angular' }));
    const ds = await loadDataset(dir);
    expect(ds).toMatchObject({ name: 'my-set', metric: 'cosine', dim: 6, groundTruthK: 5 });
    expect(Array.from(ds.base)).toEqual(Array.from(bytes));
    expect(ds.queries).toEqual(d.queries);
  });

  it('reads an IDX directory like Fashion-MNIST (gzipped uint8 images)', async () => {
    const dir = join(root, 'idx');
    mkdirSync(dir);
    const train = Uint8Array.from({ length: 10 * 3 * 4 }, (_, i) => (i * 7) % 256);
    const test = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => 255 - i);
    writeIdxUint8(join(dir, 'train-images-idx3-ubyte.gz'), train, [10, 3, 4], true);
    writeIdxUint8(join(dir, 't10k-images-idx3-ubyte.gz'), test, [2, 3, 4], true);
    writeIdxUint8(join(dir, 'train-labels-idx1-ubyte.gz'), new Uint8Array(10), [10], true); // ignored
    const ds = await loadDataset(dir);
    expect(ds).toMatchObject({ name: 'idx', metric: 'euclidean', dim: 12, groundTruthK: 0 });
    expect(Array.from(ds.base)).toEqual(Array.from(train));
    expect(Array.from(ds.queries)).toEqual(Array.from(test));
  });

  it('refuses inconsistent directories, naming the files', () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    expectAnnlabError(() => loadDirectory(dir), 'WRONG_FORMAT', dir, 'no base file');
    writeFvecs(join(dir, 'base.fvecs'), d.base, 6);
    writeFvecs(join(dir, 'query.fvecs'), d.queries.subarray(0, 10), 5);
    expectAnnlabError(() => loadDirectory(dir), 'DIMENSION_MISMATCH', join(dir, 'query.fvecs'), 'dimension 5', 'have 6');
    writeFvecs(join(dir, 'query.fvecs'), d.queries, 6);
    writeIvecs(join(dir, 'groundtruth.ivecs'), gt.ids.subarray(0, 10), 5);
    expectAnnlabError(() => loadDirectory(dir), 'DIMENSION_MISMATCH', 'groundtruth.ivecs', '2 ground-truth rows for 9 queries');
    const wild = gt.ids.slice();
    wild[7] = 5000;
    writeIvecs(join(dir, 'groundtruth.ivecs'), wild, 5);
    expectAnnlabError(() => loadDirectory(dir), 'CORRUPT_DATA', 'groundtruth.ivecs', 'neighbour id 5000');
    writeFileSync(join(dir, 'dataset.json'), '{"metric": "euclidean",');
    expectAnnlabError(() => loadDirectory(dir), 'WRONG_FORMAT', 'dataset.json', 'not valid JSON');
    writeFileSync(join(dir, 'dataset.json'), '{"metric": "hamming"}');
    expectAnnlabError(() => loadDirectory(dir), 'UNSUPPORTED_OPERATION', 'dataset.json', "'hamming'");
  });

  it('reports a reference that is nothing known', async () => {
    await expectAnnlabErrorAsync(() => loadDataset(join(root, 'nothing-here')), 'NOT_FOUND', 'nothing-here', 'fashion-mnist-784-euclidean');
    await expectAnnlabErrorAsync(() => loadDataset('synthetic:n=10,dim=2', { k: 0 }), 'INVALID_PARAMETER', 'k must be');
  });
});
