import { describe, expect, it } from 'vitest';
import { createAdapter, expandGrid, loadSuite, paramsLabel, parseSuite, shippedSuites } from '@annlab/bench';

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

describe('shipped suites', () => {
  it('parse and name only known algorithms', () => {
    const names = shippedSuites();
    expect(names).toEqual(expect.arrayContaining(['default', 'fashion-mnist', 'glove-100', 'siftsmall']));
    for (const name of names) {
      const suite = loadSuite(name);
      for (const run of suite.runs) expect(() => createAdapter(run.algorithm)).not.toThrow();
    }
  });

  it('the default suite runs every annlab algorithm on a synthetic dataset', () => {
    const suite = loadSuite('default');
    expect(suite.dataset.startsWith('synthetic:')).toBe(true);
    const algorithms = suite.runs.map((r) => r.algorithm);
    expect(algorithms).toEqual(expect.arrayContaining(['flat', 'rpforest', 'hnsw', 'ivfflat', 'ivfpq']));
    expect(algorithms.some((a) => a.startsWith('pca+'))).toBe(true);
  });
});
