/**
 * The long fuzz run for RpForestIndex (the data suite): 3,000 seeded mutations per metric
 * layout and backend, and a longer API property run. Same allowed outcomes as
 * `fuzz.test.ts`.
 */
import { formatFuzzReport, fuzzApi, fuzzLoader } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { DIM, METRICS, baseForest } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;
const COUNT = 3000;

describe('RpForestIndex fuzz, long run', () => {
  it.each([
    ['rpforest', 0],
    ['rpforestSimd', 0],
    ['rpforest', 1],
    ['rpforest', 2],
    ['rpforestSimd', 2],
  ] as const)(`refuses or loads every mutated file (%s, metric %i, ${COUNT} mutations)`, async (name, m) => {
    const base = baseForest(METRICS[m]).serialize();
    const report = await fuzzLoader({ base, moduleUrl: TARGETS, name, seed: 200 + m, count: COUNT });
    console.log(formatFuzzReport(report));
    expect(report.failures, formatFuzzReport(report)).toEqual([]);
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing (1,000 runs)', () => {
    fuzzApi({
      build: () => baseForest('euclidean', 'js', 30),
      methods: ['add', 'search', 'explain', 'delete', 'addTrees', 'has', 'reconstruct', 'treeStructure', 'forestInfo', 'checkInvariants', 'memoryBytes'],
      dim: DIM,
      seed: 112,
      numRuns: 1000,
      extraArgs: [{ searchK: 0 }, { searchK: 2 ** 40 }, { searchK: 1.5 }, { searchk: 10 }, { searchK: -1 }],
    });
  });
});
