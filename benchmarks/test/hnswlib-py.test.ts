import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter, parseSuite, resolveDataset, runSuite, type BenchDataset } from '@annlab/bench';

// hnswlib's own Python binding (python3-hnswlib) as a peer: optional like the faiss one; when
// `import hnswlib, numpy` fails it must be skipped with one line, never crash the run. When it
// runs, its build takes the run's --threads (add_items(num_threads=N)) and records them.

let cache: string;
let dataset: BenchDataset;
let cosine: BenchDataset;

beforeAll(async () => {
  cache = mkdtempSync(join(tmpdir(), 'annlab-hnswlib-py-test-'));
  dataset = await resolveDataset('synthetic:n=2000,dim=16,clusters=8,queries=40,seed=7', { k: 10, cacheDir: cache });
  cosine = await resolveDataset('synthetic:n=1000,dim=16,clusters=8,queries=30,seed=8,metric=cosine', { k: 10, cacheDir: cache });
});

afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('hnswlib (Python binding) peer', () => {
  for (const threads of [1, 2]) {
    it(`builds on ${threads} thread(s) with recall@10 ≥ 0.9 at efSearch 64, or is skipped with one line`, async () => {
      const reason = await createAdapter('hnswlib').unavailableReason();
      const suite = parseSuite({
        dataset: 'unused',
        k: 10,
        repeats: 1,
        seed: 3,
        runs: [{ algorithm: 'hnswlib', build: { M: 8, efConstruction: 64 }, search: { efSearch: 64 } }],
      });
      const run = await runSuite(suite, dataset, { warmupQueries: 2, threads });
      expect(run.errors).toEqual([]);
      if (reason !== null) {
        expect(reason).not.toContain('\n');
        expect(reason).toContain('import hnswlib, numpy');
        expect(run.skipped).toEqual([{ algorithm: 'hnswlib', reason }]);
        expect(run.results).toEqual([]);
        return;
      }
      expect(run.results).toHaveLength(1);
      const r = run.results[0];
      expect(r.kind).toBe('native');
      expect(r.threads).toBe(threads);
      expect(r.buildThreads).toBe(threads);
      expect(r.recall).toBeGreaterThanOrEqual(0.9);
      expect(r.recallIdOverlap).toBeGreaterThanOrEqual(0.9);
      expect(r.buildSeconds).toBeGreaterThan(0);
      expect(r.qps).toBeGreaterThan(0);
      expect(r.batchQps).toBeGreaterThan(0);
      expect(r.latencyMs.p50).toBeGreaterThan(0);
      expect(r.indexBytes).toBeGreaterThan(0);
      expect(r.distanceComputations).toBeNull();
    });
  }

  it('maps cosine to its cosine space', async () => {
    const reason = await createAdapter('hnswlib').unavailableReason();
    const suite = parseSuite({
      dataset: 'unused',
      k: 10,
      repeats: 1,
      runs: [{ algorithm: 'hnswlib', build: { M: 8 }, search: { efSearch: 64 } }],
    });
    const run = await runSuite(suite, cosine, { warmupQueries: 2 });
    expect(run.errors).toEqual([]);
    if (reason !== null) return;
    expect(run.results[0].recall).toBeGreaterThanOrEqual(0.9);
  });

  it('refuses unknown build and search parameters as failed points, not a crash', async () => {
    const reason = await createAdapter('hnswlib').unavailableReason();
    const suite = parseSuite({
      dataset: 'unused',
      k: 10,
      repeats: 1,
      runs: [
        { algorithm: 'hnswlib', build: { efConstrution: 10 } },
        { algorithm: 'hnswlib', build: { M: 8 }, search: { ef: 10 } },
      ],
    });
    const run = await runSuite(suite, dataset, { warmupQueries: 2 });
    if (reason !== null) {
      expect(run.errors).toEqual([]);
      return;
    }
    expect(run.results).toEqual([]);
    expect(run.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/hnswlib has no parameter "efConstrution"; known: M, efConstruction/),
      expect.stringMatching(/hnswlib search has no parameter "ef"; known: efSearch/),
    ]);
  });

  it('faiss builds on the run threads and records them', async () => {
    const reason = await createAdapter('faiss').unavailableReason();
    const suite = parseSuite({
      dataset: 'unused',
      k: 10,
      repeats: 1,
      runs: [{ algorithm: 'faiss', build: { index: 'HNSW16' }, search: { efSearch: 64 } }],
    });
    const run = await runSuite(suite, dataset, { warmupQueries: 2, threads: 2 });
    expect(run.errors).toEqual([]);
    if (reason !== null) {
      expect(run.skipped).toEqual([{ algorithm: 'faiss', reason }]);
      return;
    }
    expect(run.results[0].buildThreads).toBe(2);
    expect(run.results[0].recall).toBeGreaterThan(0.9);
  });
});
