import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAdapter,
  parseJsonLines,
  parseSuite,
  percentile,
  renderPlots,
  renderReport,
  resolveDataset,
  runSuite,
  summarize,
  summaryTable,
  toCsv,
  toJsonLines,
  type AlgorithmAdapter,
  type BenchDataset,
  type BenchmarkRun,
} from '@annlab/bench';
import { testEnvironment } from './environment.js';

const env = testEnvironment;

const unavailable: AlgorithmAdapter = {
  name: 'missing-peer',
  kind: 'native',
  unavailableReason: async () => 'missing-peer is not installed',
  build: async () => {
    throw new Error('not reached');
  },
};

const failing: AlgorithmAdapter = {
  name: 'broken',
  kind: 'annlab',
  unavailableReason: async () => null,
  build: async () => {
    throw new Error('build exploded');
  },
};

let cache: string;
let dataset: BenchDataset;
let run: BenchmarkRun;

beforeAll(async () => {
  cache = mkdtempSync(join(tmpdir(), 'annlab-bench-test-'));
  dataset = await resolveDataset('synthetic:n=600,dim=8,clusters=4,queries=25,seed=3', { k: 5, cacheDir: cache });
  const suite = parseSuite({
    name: 'tiny',
    dataset: 'unused',
    k: 5,
    repeats: 1,
    runs: [
      { algorithm: 'flat' },
      { algorithm: 'hnsw', build: { M: [4, 8], efConstruction: 32 }, search: { efSearch: [5, 50] } },
      { algorithm: 'missing-peer' },
      { algorithm: 'broken', build: { x: [1] } },
    ],
  });
  run = await runSuite(suite, dataset, {
    environment: env,
    warmupQueries: 2,
    adapterFor: (name) => (name === 'missing-peer' ? unavailable : name === 'broken' ? failing : createAdapter(name)),
  });
});

afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('runSuite', () => {
  it('builds every configuration once and sweeps every search setting', () => {
    expect(run.results.map((r) => r.algorithm)).toEqual(['flat', 'hnsw', 'hnsw', 'hnsw', 'hnsw']);
    expect(run.results.filter((r) => r.algorithm === 'hnsw').map((r) => `${r.build.M}/${r.search.efSearch}`)).toEqual([
      '4/5',
      '4/50',
      '8/5',
      '8/50',
    ]);
  });

  it('scores flat search as exact and fills every result field', () => {
    const flat = run.results[0];
    expect(flat.recall).toBe(1);
    expect(flat.recallIdOverlap).toBe(1);
    expect(flat.queries).toBe(25);
    expect(flat.nBase).toBe(600);
    expect(flat.distanceComputations).toBe(600);
    expect(flat.indexBytes).toBeGreaterThanOrEqual(600 * 8 * 4);
    expect(flat.qps).toBeGreaterThan(0);
    expect(flat.batchQps).toBeGreaterThan(0);
    expect(flat.latencyMs.p50).toBeLessThanOrEqual(flat.latencyMs.p95);
    expect(flat.latencyMs.p95).toBeLessThanOrEqual(flat.latencyMs.p99);
    expect(flat.environment).toEqual(env);
    expect(flat.buildSeconds).toBeGreaterThanOrEqual(0);
  });

  it('gets higher recall from hnsw with a wider beam and counts its distance computations', () => {
    const m8 = run.results.filter((r) => r.algorithm === 'hnsw' && r.build.M === 8);
    expect(m8[1].recall).toBeGreaterThanOrEqual(m8[0].recall);
    expect(m8[1].recall).toBeGreaterThan(0.9);
    expect(m8[1].distanceComputations).toBeGreaterThan(m8[0].distanceComputations as number);
  });

  it('records a missing peer as skipped and a failing build as an error, and carries on', () => {
    expect(run.skipped).toEqual([{ algorithm: 'missing-peer', reason: 'missing-peer is not installed' }]);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatchObject({ algorithm: 'broken', message: 'build exploded' });
  });

  it('marks each algorithm’s Pareto front', () => {
    expect(run.results[0].pareto).toBe(true);
    expect(run.results.filter((r) => r.algorithm === 'hnsw' && r.pareto).length).toBeGreaterThanOrEqual(1);
  });
});

describe('outputs', () => {
  it('round-trips JSON lines', () => {
    const text = toJsonLines(run.results);
    expect(text.trim().split('\n')).toHaveLength(run.results.length);
    expect(parseJsonLines(text)).toEqual(JSON.parse(JSON.stringify(run.results)));
    expect(() => parseJsonLines('{"algorithm":1}\n')).toThrow(/line 1/);
    expect(() => parseJsonLines('not json')).toThrow(/line 1/);
  });

  it('writes one CSV row per result', () => {
    const lines = toCsv(run.results).trim().split('\n');
    expect(lines).toHaveLength(run.results.length + 1);
    const cells = (line: string): string[] => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]).slice(0, -1);
    const header = cells(lines[0]);
    expect(header).toContain('recall');
    // One column per parameter, not `M=4;efConstruction=32` in one cell.
    expect(header).toContain('build.M');
    expect(header).toContain('build.efConstruction');
    expect(header).toContain('search.efSearch');
    expect(header).toContain('capacityBytes');
    const row = cells(lines[2]);
    expect(row).toHaveLength(header.length);
    expect(row[header.indexOf('build.M')]).toBe('4');
    expect(row[header.indexOf('build.efConstruction')]).toBe('32');
    expect(lines.join('\n')).not.toContain('M=4;efConstruction=32');
  });

  it('summarises best QPS per recall level', () => {
    const rows = summarize(run.results);
    expect(rows.map((r) => r.algorithm)).toEqual(['flat', 'hnsw']);
    expect(rows[0].qpsAt).toEqual([run.results[0].qps, run.results[0].qps, run.results[0].qps]);
    const table = summaryTable(run.results);
    expect(table).toMatch(/QPS@0\.90/);
    expect(table.split('\n')).toHaveLength(4);
  });

  it('renders SVG plots naming every algorithm and a report holding them', async () => {
    const plots = await renderPlots(run.results);
    for (const svg of Object.values(plots)) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('flat');
      expect(svg).toContain('hnsw');
    }
    const html = renderReport(run.results, plots, { suite: 'tiny', skipped: run.skipped, errors: run.errors });
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('missing-peer is not installed');
    expect(html).toContain('build exploded');
    expect(html.match(/<svg/g)?.length).toBe(Object.keys(plots).length);
    expect(Object.keys(plots)).toEqual([
      'recall-qps.svg',
      'recall-qps-builds.svg',
      'recall-distances.svg',
      'recall-build-time.svg',
      'recall-index-size.svg',
      'recall-latency.svg',
      'build-memory.svg',
    ]);
    // Every point names its parameters in a tooltip; the recall axis is the logit one.
    expect(plots['recall-qps-builds.svg']).toMatch(/<title>hnsw M=4,efConstruction=32 · efSearch=\d+ · recall /);
    expect(plots['recall-qps.svg']).toContain('logit scale');
    expect(plots['recall-qps.svg']).not.toContain('…');
    expect(html).toContain('class="sortable"');
  });
});

describe('percentile', () => {
  it('interpolates between ranks like numpy', () => {
    const v = [4, 1, 3, 2, 5];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile(v, 100)).toBe(5);
    expect(percentile(v, 25)).toBe(2);
    expect(percentile([1, 2], 95)).toBeCloseTo(1.95, 12);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });
});
