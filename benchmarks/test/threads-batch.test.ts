import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BuiltAnnlabIndex,
  createAdapter,
  parseSuite,
  renderPlots,
  renderReport,
  resolveDataset,
  runSuite,
  toCsv,
  type AlgorithmAdapter,
  type BenchDataset,
  type BenchmarkRun,
} from '@annlab/bench';
import { testEnvironment } from './environment.js';

// --threads / --batch and the peak-RSS columns: threaded batch QPS beside the one-query QPS,
// builds without a `threads` option recorded as single-threaded.

/** An annlab adapter whose index "accepts" a threads option (it records what it got). */
function threadedFlat(seen: number[]): AlgorithmAdapter {
  const flat = createAdapter('flat');
  return {
    name: 'threaded-flat',
    kind: 'annlab',
    unavailableReason: async () => null,
    build: async (input, params) => {
      seen.push(input.threads ?? 1);
      const built = await flat.build(input, params);
      return Object.assign(Object.create(Object.getPrototypeOf(built)), built, { buildThreads: input.threads ?? 1 });
    },
  };
}

let cache: string;
let dataset: BenchDataset;
let plain: BenchmarkRun;
let threaded: BenchmarkRun;
const seen: number[] = [];

beforeAll(async () => {
  cache = mkdtempSync(join(tmpdir(), 'annlab-bench-threads-'));
  dataset = await resolveDataset('synthetic:n=800,dim=8,clusters=4,queries=200,seed=3', { k: 5, cacheDir: cache });
  const suite = parseSuite({
    name: 'threads',
    dataset: 'unused',
    k: 5,
    repeats: 1,
    runs: [{ algorithm: 'flat' }, { algorithm: 'hnsw', build: { M: 8 }, search: { efSearch: [16] } }, { algorithm: 'threaded-flat' }],
  });
  const adapterFor = (name: string): AlgorithmAdapter => (name === 'threaded-flat' ? threadedFlat(seen) : createAdapter(name));
  plain = await runSuite(suite, dataset, { environment: testEnvironment, warmupQueries: 2, adapterFor });
  threaded = await runSuite(suite, dataset, { environment: testEnvironment, warmupQueries: 2, adapterFor, threads: 2, batch: true });
});

afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** One CSV line's cells (quoted cells may hold commas). */
function cells(line: string): string[] {
  return (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((c) => c.replace(/,$/, '')).slice(0, -1);
}

describe('runSuite with threads and batch', () => {
  it('defaults to one thread, no threaded batch, and records the peak RSS', () => {
    for (const r of plain.results) {
      expect(r.threads).toBe(1);
      expect(r.buildThreads).toBe(1);
      expect(r.threadedBatchQps).toBeNull();
      expect(r.peakRssBuildBytes).toBeGreaterThan(10 * 1024 * 1024);
      // The process's peak so far: it never decreases.
      expect(r.peakRssBytes).toBeGreaterThanOrEqual(r.peakRssBuildBytes);
    }
  });

  it('passes threads to builds that take them and records the others as single-threaded', () => {
    expect(seen).toEqual([1, 2]);
    const byName = (name: string) => threaded.results.find((r) => r.algorithm === name);
    expect(byName('threaded-flat')?.buildThreads).toBe(2);
    expect(byName('flat')?.buildThreads).toBe(1);
    expect(byName('hnsw')?.buildThreads).toBe(2);
    for (const r of threaded.results) expect(r.threads).toBe(2);
  });

  it('times a batch on N threads beside the one-query QPS, with the same recall', () => {
    for (const r of threaded.results) {
      expect(r.threadedBatchQps).toBeGreaterThan(0);
      const same = plain.results.find((p) => p.algorithm === r.algorithm);
      expect(r.recall).toBe(same?.recall);
    }
  });

  it('writes the new CSV columns and report cells', async () => {
    const csv = toCsv(threaded.results).split('\n');
    const header = cells(csv[0]);
    for (const col of ['peakRssBuildBytes', 'peakRssBytes', 'threads', 'buildThreads', 'threadedBatchQps']) expect(header).toContain(col);
    const row = cells(csv[1]);
    expect(row).toHaveLength(header.length);
    expect(Number(row[header.indexOf('threads')])).toBe(2);
    expect(Number(row[header.indexOf('threadedBatchQps')])).toBeGreaterThan(0);
    const plainRow = cells(toCsv(plain.results).split('\n')[1]);
    expect(plainRow[header.indexOf('threadedBatchQps')]).toBe('');
    const html = renderReport(threaded.results, await renderPlots(threaded.results), { suite: 'threads' });
    expect(html).toContain('threaded batch QPS');
    expect(html).toContain('(2 threads)');
    expect(html).toContain('1 (single-threaded)');
    expect(html).toContain('peak RSS');
  });
});

describe('--threads on builds that take a worker pool', () => {
  it('builds the forest and IVF on 2 threads, records it, and gets the one-thread bytes', async () => {
    const input = { base: dataset.base, n: dataset.base.length / dataset.dim, dim: dataset.dim, metric: dataset.metric, seed: 7 };
    for (const [name, params] of [
      ['rpforest', { nTrees: 6 }],
      ['ivfflat', { nlist: 8, niter: 4 }],
      ['ivfpq', { nlist: 8, niter: 4, m: 4, nbits: 4 }],
    ] as const) {
      const one = (await createAdapter(name).build(input, params)) as BuiltAnnlabIndex;
      const two = (await createAdapter(name).build({ ...input, threads: 2 }, params)) as BuiltAnnlabIndex;
      expect(one.buildThreads, name).toBe(1);
      expect(two.buildThreads, name).toBe(2);
      expect(Buffer.from(two.index.serialize()).equals(Buffer.from(one.index.serialize())), name).toBe(true);
    }
  });

  it('builds HNSW on 2 threads (concurrent INSERT: same size and a valid graph, not the same bytes)', async () => {
    const input = { base: dataset.base, n: dataset.base.length / dataset.dim, dim: dataset.dim, metric: dataset.metric, seed: 7 };
    const two = (await createAdapter('hnsw').build({ ...input, threads: 2 }, { M: 8, efConstruction: 40 })) as BuiltAnnlabIndex;
    expect(two.buildThreads).toBe(2);
    expect(two.index.size).toBe(input.n);
    expect((two.index as unknown as { checkInvariants(): { ok: boolean } }).checkInvariants().ok).toBe(true);
  });
});
