import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_PEERS, createAdapter, parseSuite, resolveDataset, runSuite, type BenchDataset } from '@annlab/bench';

// Native peers are optional: each one must either run through the adapter interface with
// good recall, or be reported unavailable with one line. Neither may crash the run.
const GRIDS: Record<string, { build: Record<string, number | string>; search: Record<string, number> }> = {
  'hnswlib-node': { build: { M: 8, efConstruction: 64 }, search: { efSearch: 64 } },
  annoy: { build: { nTrees: 10 }, search: { searchK: 2000 } },
  usearch: { build: { M: 8, efConstruction: 64 }, search: { efSearch: 64 } },
  faiss: { build: { index: 'HNSW16' }, search: { efSearch: 64 } },
  'hnsw-npm': { build: { M: 8, efConstruction: 64 }, search: { efSearch: 64 } },
};

let cache: string;
let dataset: BenchDataset;

beforeAll(async () => {
  cache = mkdtempSync(join(tmpdir(), 'annlab-native-test-'));
  dataset = await resolveDataset('synthetic:n=1500,dim=24,clusters=6,queries=30,seed=21', { k: 10, cacheDir: cache });
});

afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('native peers', () => {
  for (const name of NATIVE_PEERS) {
    it(`${name} runs with high recall or is skipped with one line`, async () => {
      const reason = await createAdapter(name).unavailableReason();
      const suite = parseSuite({ dataset: 'unused', k: 10, repeats: 1, runs: [{ algorithm: name, ...GRIDS[name] }] });
      const run = await runSuite(suite, dataset, { warmupQueries: 2 });
      expect(run.errors).toEqual([]);
      if (reason !== null) {
        expect(reason).not.toContain('\n');
        expect(run.skipped).toEqual([{ algorithm: name, reason }]);
        expect(run.results).toEqual([]);
      } else {
        expect(run.results).toHaveLength(1);
        const r = run.results[0];
        expect(r.kind).toBe('native');
        expect(r.recall).toBeGreaterThan(0.9);
        expect(r.batchQps).toBeGreaterThan(0);
        expect(r.indexBytes).toBeGreaterThan(0);
        expect(r.distanceComputations).toBeNull();
      }
    });
  }

  it('refuses an unknown peer parameter as a failed build, not a crash', async () => {
    const suite = parseSuite({ dataset: 'unused', k: 10, repeats: 1, runs: [{ algorithm: 'hnswlib-node', build: { efConstrution: 10 } }] });
    const run = await runSuite(suite, dataset, { warmupQueries: 2 });
    if (run.skipped.length === 0) expect(run.errors[0].message).toMatch(/no parameter "efConstrution"/);
    else expect(run.errors).toEqual([]);
  });

  it('faiss IVF-PQ with a refine stage: rerank 0 searches the codes alone, rerank r re-ranks k·r candidates exactly', async () => {
    const reason = await createAdapter('faiss').unavailableReason();
    const suite = parseSuite({
      dataset: 'unused',
      k: 10,
      repeats: 1,
      runs: [{ algorithm: 'faiss', build: { index: 'IVF16,PQ8x4,RFlat' }, search: { nprobe: 16, rerank: [0, 4] } }],
    });
    const run = await runSuite(suite, dataset, { warmupQueries: 2 });
    expect(run.errors).toEqual([]);
    if (reason !== null) {
      expect(run.skipped).toEqual([{ algorithm: 'faiss', reason }]);
      return;
    }
    expect(run.results.map((r) => r.search)).toEqual([
      { nprobe: 16, rerank: 0 },
      { nprobe: 16, rerank: 4 },
    ]);
    const [codes, reranked] = run.results;
    expect(reranked.recall).toBeGreaterThan(0.9);
    expect(reranked.recall).toBeGreaterThanOrEqual(codes.recall);
  });
});
