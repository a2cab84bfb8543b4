import { describe, expect, it } from 'vitest';
import {
  ALGORITHM_NAMES,
  createAdapter,
  expandGrid,
  knownAlgorithms,
  loadSuite,
  paramsLabel,
  parseSuite,
  shippedSuites,
  type Params,
  type Suite,
  type SuiteRun,
} from '@annlab/bench';

describe('expandGrid', () => {
  it('expands lists as a Cartesian product, last key fastest', () => {
    expect(expandGrid({ a: [1, 2], b: [3, 4] })).toEqual([
      { a: 1, b: 3 },
      { a: 1, b: 4 },
      { a: 2, b: 3 },
      { a: 2, b: 4 },
    ]);
  });

  it('treats scalars as one-value lists and an empty grid as one empty setting', () => {
    expect(expandGrid({ M: 16, efConstruction: [100, 200], heuristic: true })).toEqual([
      { M: 16, efConstruction: 100, heuristic: true },
      { M: 16, efConstruction: 200, heuristic: true },
    ]);
    expect(expandGrid({})).toEqual([{}]);
    expect(expandGrid(undefined)).toEqual([{}]);
  });

  it('has as many settings as the product of the list lengths', () => {
    const grid = { a: [1, 2, 3], b: [1, 2], c: [1, 2, 3, 4, 5] };
    const settings = expandGrid(grid);
    expect(settings).toHaveLength(30);
    expect(new Set(settings.map(paramsLabel)).size).toBe(30);
  });
});

describe('parseSuite', () => {
  it('accepts the DESIGN.md example', () => {
    const suite = parseSuite({
      dataset: 'fashion-mnist-784-euclidean',
      k: 10,
      queries: 1000,
      runs: [
        { algorithm: 'hnsw', build: { M: [16], efConstruction: [200] }, search: { efSearch: [10, 20, 40, 80] } },
        { algorithm: 'rpforest', build: { nTrees: [50] }, search: { searchK: [1000, 5000] } },
      ],
    });
    expect(suite.runs).toHaveLength(2);
    expect(suite.k).toBe(10);
  });

  it('refuses bad suites with a message naming the field', () => {
    expect(() => parseSuite({ runs: [{ algorithm: 'hnsw' }] })).toThrow(/dataset/);
    expect(() => parseSuite({ dataset: 'x', runs: [] })).toThrow(/runs/);
    expect(() => parseSuite({ dataset: 'x', runs: [{ algorithm: 'hnsw', build: { M: [] } }] })).toThrow(/empty list/);
    expect(() => parseSuite({ dataset: 'x', runs: [{ algorithm: 'hnsw', search: { ef: { a: 1 } } }] })).toThrow(/"ef"/);
    expect(() => parseSuite({ dataset: 'x', k: 0, runs: [{ algorithm: 'hnsw' }] })).toThrow(/"k"/);
    expect(() => parseSuite({ dataset: 'x', colour: 1, runs: [{ algorithm: 'hnsw' }] })).toThrow(/unknown key "colour"/);
  });
});

/**
 * A peer run in annlab's terms: the annlab algorithm it stands beside, each build setting
 * translated to that algorithm's parameter names, and the search parameter both sweep.
 * Null for an annlab run.
 */
function asAnnlab(run: SuiteRun): { algorithm: string; builds: Params[]; searchKey: string } | null {
  const builds = expandGrid(run.build);
  const pick = (b: Params, keys: string[]): Params => Object.fromEntries(keys.map((key) => [key, b[key]]));
  switch (run.algorithm) {
    case 'hnswlib-node':
    case 'usearch':
    case 'hnsw-npm':
      return { algorithm: 'hnsw', builds: builds.map((b) => pick(b, ['M', 'efConstruction'])), searchKey: 'efSearch' };
    case 'annoy':
      return { algorithm: 'rpforest', builds: builds.map((b) => pick(b, ['nTrees'])), searchKey: 'searchK' };
    case 'faiss': {
      const translated = builds.map((b): { algorithm: string; build: Params; searchKey: string } => {
        const factory = String(b.index);
        // Exact search: nothing to build or sweep.
        if (factory === 'Flat') return { algorithm: 'flat', build: {}, searchKey: 'none' };
        let m = /^HNSW(\d+)$/.exec(factory);
        if (m !== null)
          return { algorithm: 'hnsw', build: { M: Number(m[1]), efConstruction: b.efConstruction ?? 40 }, searchKey: 'efSearch' };
        m = /^IVF(\d+),Flat$/.exec(factory);
        if (m !== null) return { algorithm: 'ivfflat', build: { nlist: Number(m[1]) }, searchKey: 'nprobe' };
        m = /^IVF(\d+),PQ(\d+)(?:x(\d+))?(?:,RFlat)?$/.exec(factory);
        if (m !== null)
          return { algorithm: 'ivfpq', build: { nlist: Number(m[1]), m: Number(m[2]), nbits: Number(m[3] ?? 8) }, searchKey: 'nprobe' };
        throw new Error(`no annlab counterpart known for the FAISS index "${factory}"`);
      });
      return { algorithm: translated[0].algorithm, builds: translated.map((t) => t.build), searchKey: translated[0].searchKey };
    }
    default:
      return null;
  }
}

/** annlab's defaults for the parameters a peer's settings are compared on. */
const ANNLAB_DEFAULTS: Record<string, Params> = { hnsw: { M: 16, efConstruction: 200 }, ivfpq: { nbits: 8 } };

function valuesOf(grid: SuiteRun['search'], key: string): unknown {
  const v = grid?.[key];
  return Array.isArray(v) ? v : v === undefined ? undefined : [v];
}

describe('shipped suites', () => {
  it('parse and name only known algorithms', () => {
    const names = shippedSuites();
    expect(names).toEqual(
      expect.arrayContaining([
        'default',
        'fashion-mnist',
        'fashion-mnist-flat',
        'fashion-mnist-hnsw',
        'fashion-mnist-ivf',
        'fashion-mnist-pca',
        'fashion-mnist-rpforest',
        'glove-100',
        'siftsmall',
      ]),
    );
    const known = knownAlgorithms();
    for (const name of names) {
      const suite = loadSuite(name);
      for (const run of suite.runs) {
        expect(known, `${name}: ${run.algorithm}`).toContain(run.algorithm);
        expect(() => createAdapter(run.algorithm)).not.toThrow();
      }
    }
  });

  it("give every peer the build parameters and the sweep of annlab's own run of the same algorithm", () => {
    for (const name of shippedSuites()) {
      const suite: Suite = loadSuite(name);
      for (const run of suite.runs) {
        const peer = asAnnlab(run);
        if (peer === null) continue;
        const where = `${name}: ${run.label ?? run.algorithm}`;
        const own = suite.runs.filter((r) => r.algorithm === peer.algorithm);
        expect(own.length, `${where} has no ${peer.algorithm} run beside it`).toBeGreaterThan(0);
        const ownBuilds = own.flatMap((r) => expandGrid(r.build)).map((b) => ({ ...ANNLAB_DEFAULTS[peer.algorithm], ...b }));
        for (const build of peer.builds) {
          for (const [key, value] of Object.entries(build)) expect(value, `${where}: ${key} must be given`).not.toBeUndefined();
          const same = ownBuilds.some((b) => Object.entries(build).every(([key, value]) => b[key] === value));
          expect(same, `${where} builds ${paramsLabel(build)}, which no ${peer.algorithm} run of the suite builds`).toBe(true);
        }
        const sweep = valuesOf(run.search, peer.searchKey);
        expect(
          own.some((r) => JSON.stringify(valuesOf(r.search, peer.searchKey)) === JSON.stringify(sweep)),
          `${where}: ${peer.searchKey} sweep`,
        ).toBe(true);
      }
    }
  });

  it("name annlab's own algorithms by ALGORITHM_NAMES", () => {
    expect(knownAlgorithms()).toEqual(expect.arrayContaining([...ALGORITHM_NAMES]));
  });

  it('the default suite runs every annlab algorithm on a synthetic dataset', () => {
    const suite = loadSuite('default');
    expect(suite.dataset.startsWith('synthetic:')).toBe(true);
    const algorithms = suite.runs.map((r) => r.algorithm);
    expect(algorithms).toEqual(expect.arrayContaining(['flat', 'rpforest', 'hnsw', 'ivfflat', 'ivfpq']));
    expect(algorithms.some((a) => a.startsWith('pca+'))).toBe(true);
  });
});
