/**
 * The long fuzz run for HnswIndex (the data suite): 3,000 seeded mutations per base file and
 * backend, and a longer API property run. Same allowed outcomes as `fuzz.test.ts`.
 */
import { formatFuzzReport, fuzzApi, fuzzLoader } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { BASES, DIM, baseIndex } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;
const COUNT = 3000;

describe('HnswIndex fuzz, long run', () => {
  it.each([
    ['hnsw', 0],
    ['hnswSimd', 0],
    ['hnsw', 1],
    ['hnswSimd', 1],
  ] as const)(`refuses or loads every mutated file (%s, base %i, ${COUNT} mutations)`, async (name, b) => {
    const base = baseIndex(BASES[b]).serialize();
    const report = await fuzzLoader({ base, moduleUrl: TARGETS, name, seed: 100 + b, count: COUNT });
    console.log(formatFuzzReport(report));
    expect(report.failures, formatFuzzReport(report)).toEqual([]);
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing (1,000 runs)', () => {
    fuzzApi({
      build: () => baseIndex(BASES[0], 'js', 30),
      methods: ['add', 'search', 'explain', 'delete', 'update', 'compact', 'neighbors', 'levelOf', 'reconstruct', 'has', 'checkInvariants', 'memoryBytes'],
      dim: DIM,
      seed: 111,
      numRuns: 1000,
      extraArgs: [{ efSearch: 0 }, { efSearch: 2 ** 25 }, { filter: 3 }, { filter: new Uint8Array(2) }, { filter: () => 'yes' }, { efsearch: 10 }],
    });
  });
});
