/**
 * Suite runs that load a prebuilt index file instead of building: the suite form is checked,
 * a loaded annlab file scores exactly as the build it was saved from, and a file that does not
 * fit the run or the dataset is a recorded error, not a crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FILE_ALGORITHM,
  annlabAlgorithmOf,
  createAdapter,
  loadAnnlabIndexFile,
  parseGrid,
  parseSuite,
  resolveDataset,
  runSuite,
  type BenchDataset,
  type LoadedIndex,
} from '@annlab/bench';
import { testEnvironment } from './environment.js';

const env = testEnvironment;

const DATASET = 'synthetic:n=500,dim=8,clusters=4,queries=20,seed=7';
let dir: string;
let dataset: BenchDataset;
let hnswFile: string;
let ivfFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'annlab-bench-index-file-'));
  dataset = await resolveDataset(DATASET, { k: 5, cacheDir: dir });
  const input = { base: dataset.base, n: dataset.base.length / dataset.dim, dim: dataset.dim, metric: dataset.metric, seed: 42 };
  const hnsw = await createAdapter('hnsw').build(input, { M: 6, efConstruction: 32 });
  hnswFile = join(dir, 'hnsw.annlab');
  writeFileSync(hnswFile, (hnsw.serialize as () => Uint8Array)());
  const ivf = await createAdapter('ivfflat').build(input, { nlist: 8 });
  ivfFile = join(dir, 'ivf.annlab');
  writeFileSync(ivfFile, (ivf.serialize as () => Uint8Array)());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('suite runs with "index"', () => {
  it('accept a file run and refuse what cannot apply to one', () => {
    const suite = parseSuite({
      dataset: 'x',
      runs: [
        { algorithm: 'file', index: 'a.bin', search: { efSearch: [10, 20] } },
        { algorithm: 'hnsw', index: 'b.bin' },
      ],
    });
    expect(suite.runs[0]).toEqual({ algorithm: FILE_ALGORITHM, index: 'a.bin', build: {}, search: { efSearch: [10, 20] } });
    expect(suite.runs[1].index).toBe('b.bin');
    expect(() => parseSuite({ dataset: 'x', runs: [{ algorithm: 'file' }] })).toThrow(/"index"/);
    expect(() => parseSuite({ dataset: 'x', runs: [{ algorithm: 'hnsw', index: 'a.bin', build: { M: 8 } }] })).toThrow(
      /"build" does not apply/,
    );
    expect(() => parseSuite({ dataset: 'x', runs: [{ algorithm: 'file', index: '' }] })).toThrow(/"index" must be/);
    expect(() => parseSuite({ dataset: 'x', runs: [{ algorithm: 'file', indx: 'a.bin' }] })).toThrow(/unknown key "indx"/);
    expect(parseGrid({ efSearch: [10, 20] }, '--search')).toEqual({ efSearch: [10, 20] });
    expect(() => parseGrid({ efSearch: [] }, '--search')).toThrow(/--search: parameter "efSearch" has an empty list/);
  });

  it('score a loaded annlab file exactly as the build it was saved from', async () => {
    const suite = parseSuite({
      name: 'loaded',
      dataset: 'unused',
      k: 5,
      repeats: 1,
      runs: [
        { algorithm: 'hnsw', build: { M: 6, efConstruction: 32 }, search: { efSearch: [5, 20] } },
        { algorithm: 'file', index: hnswFile, search: { efSearch: [5, 20] } },
        { algorithm: 'hnsw', label: 'named', index: hnswFile, search: { efSearch: 5 } },
      ],
    });
    const run = await runSuite(suite, dataset, { environment: env, warmupQueries: 2 });
    expect(run.errors).toEqual([]);
    const built = run.results.filter((r) => r.algorithm === 'hnsw');
    const loaded = run.results.filter((r) => r.algorithm === 'hnsw (annlab file)');
    expect(loaded).toHaveLength(2);
    expect(loaded.map((r) => r.recall)).toEqual(built.map((r) => r.recall));
    expect(loaded.map((r) => r.distanceComputations)).toEqual(built.map((r) => r.distanceComputations));
    expect(loaded[0].indexBytes).toBe(built[0].indexBytes);
    expect(loaded[0].build).toEqual({ file: hnswFile, format: 'annlab' });
    expect(loaded[0].loaded).toEqual({ file: hnswFile, format: 'annlab' });
    expect(loaded[0].implementation).toBe('hnsw');
    expect(loaded[0].buildSeconds).toBeGreaterThan(0);
    expect(built[0].loaded).toBeUndefined();
    expect(Object.keys(built[0])).not.toContain('loaded');
    expect(run.results.find((r) => r.algorithm === 'named')?.recall).toBe(built[0].recall);
  });

  it("map a loader's labels to dataset ids and apply the file's search settings under the sweep's", async () => {
    const base = await loadAnnlabIndexFile(hnswFile);
    const n = base.index.size;
    // Pretend the file stored its vectors in reverse order: label[i] = n - 1 - i.
    const reversed = new Float32Array(dataset.base.length);
    for (let i = 0; i < n; i++) reversed.set(dataset.base.subarray((n - 1 - i) * dataset.dim, (n - i) * dataset.dim), i * dataset.dim);
    const flat = await createAdapter('flat').build({ base: reversed, n, dim: dataset.dim, metric: dataset.metric, seed: 42 }, {});
    const ivfLoaded = await loadAnnlabIndexFile(ivfFile);
    const labels = new Float64Array(n);
    for (let i = 0; i < n; i++) labels[i] = n - 1 - i;
    const loader = async (file: string): Promise<LoadedIndex> => {
      if (file === 'reversed') {
        const index = (await loadAnnlabIndexFile(join(dir, 'reversed.annlab'))).index;
        return { index, format: 'test', labels, params: {} };
      }
      return { ...ivfLoaded, format: 'test', params: { nprobe: 8 } };
    };
    writeFileSync(join(dir, 'reversed.annlab'), (flat.serialize as () => Uint8Array)());
    const suite = parseSuite({
      dataset: 'unused',
      k: 5,
      repeats: 1,
      runs: [
        { algorithm: 'file', index: 'reversed' },
        { algorithm: 'ivfflat', index: 'ivf', search: { nprobe: [1] } },
        { algorithm: 'ivfflat', index: 'ivf' },
      ],
    });
    const run = await runSuite(suite, dataset, { environment: env, warmupQueries: 2, loadIndex: loader });
    expect(run.errors).toEqual([]);
    expect(run.results[0].algorithm).toBe('flat (test file)');
    expect(run.results[0].recall).toBe(1);
    expect(run.results[1].search).toEqual({ nprobe: 1 });
    expect(run.results[2].search).toEqual({ nprobe: 8 });
    expect(run.results[2].recall).toBe(1);
  });

  it('record a file that does not fit the run or the dataset as an error', async () => {
    const other = await resolveDataset('synthetic:n=300,dim=8,clusters=4,queries=10,seed=7', { k: 5, cacheDir: dir });
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    const suite = parseSuite({
      dataset: 'unused',
      k: 5,
      repeats: 1,
      runs: [
        { algorithm: 'rpforest', index: hnswFile },
        { algorithm: 'file', index: hnswFile },
        { algorithm: 'file', index: junk },
        { algorithm: 'file', index: join(dir, 'missing.bin') },
      ],
    });
    const run = await runSuite(suite, other, { environment: env, warmupQueries: 2 });
    expect(run.results).toEqual([]);
    expect(run.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/holds a hnsw index \(annlab file\), not rpforest/),
      expect.stringMatching(/holds 500 vectors but dataset .* has 300 base vectors/),
      expect.stringMatching(/not an annlab file/),
      expect.stringMatching(/no such file/),
    ]);
  });

  it('name the algorithm a loaded index holds', async () => {
    expect(annlabAlgorithmOf((await loadAnnlabIndexFile(hnswFile)).index)).toBe('hnsw');
    expect(annlabAlgorithmOf((await loadAnnlabIndexFile(ivfFile)).index)).toBe('ivfflat');
    await expect(loadAnnlabIndexFile(join(dir, 'missing.bin'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
